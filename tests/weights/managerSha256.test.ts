import { describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { Sha256, sha256Hex } from '../../src/lib/sha256.ts';
import { Rng } from '../../src/lib/rng.ts';

const nodeHex = (d: Uint8Array) => createHash('sha256').update(d).digest('hex');

describe('Sha256 (incremental) vs node:crypto', () => {
  it('known vectors', () => {
    expect(sha256Hex(new Uint8Array())).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex(new TextEncoder().encode('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('every length 0..300 in one update', () => {
    const data = randomBytes(300);
    for (let n = 0; n <= 300; n++) expect(sha256Hex(data.subarray(0, n))).toBe(nodeHex(data.subarray(0, n)));
  });

  it('random split points and save/restore, seed 7', () => {
    const rng = new Rng(7);
    for (let trial = 0; trial < 20; trial++) {
      const n = Math.floor(rng.uniform() * 5000) + 1;
      const data = randomBytes(n);
      let h = new Sha256();
      let pos = 0;
      while (pos < n) {
        const step = Math.min(n - pos, Math.floor(rng.uniform() * 700));
        h.update(data.subarray(pos, pos + step));
        pos += step;
        // Round-trip through structuredClone as IndexedDB would.
        if (rng.uniform() < 0.3) h = Sha256.restore(structuredClone(h.save()));
      }
      expect(h.bytesHashed).toBe(n);
      expect(h.hex()).toBe(nodeHex(data));
    }
  });

  it('a few MiB in 1 MiB pieces', () => {
    const data = randomBytes(3 * 1024 * 1024 + 17);
    const h = new Sha256();
    for (let p = 0; p < data.length; p += 1 << 20) h.update(data.subarray(p, p + (1 << 20)));
    expect(h.hex()).toBe(nodeHex(data));
  });

  it('rejects a malformed state and use after digest', () => {
    expect(() => Sha256.restore({ h: [1, 2], length: 0, tail: new Uint8Array() })).toThrow();
    const h = new Sha256();
    h.digest();
    expect(() => h.update(new Uint8Array(1))).toThrow();
  });
});
