import { describe, expect, it } from 'vitest';
import { patchify, unpatchify } from '../../src/engine/kernels/patchify.ts';
import { patchifyRef, unpatchifyRef } from '../../src/engine/ref/patchify.ts';
import { Rng } from '../../src/lib/rng.ts';
import { expectClose, getGpu } from './harness.ts';

describe('patchify / unpatchify (Z-Image token order)', () => {
  it('feature index is (ph*P + pw)*C + c and token index ht*Wt + wt (spec §5.5), hand-checked', async () => {
    const gpu = await getGpu();
    const C = 2, H = 4, W = 6, P = 2; // prettier-ignore
    const x = Float32Array.from({ length: C * H * W }, (_, i) => i); // x[c, y, x] = (c*H + y)*W + x
    const tx = gpu.upload(x, [C, H, W]);
    let tt = tx;
    gpu.run((b) => (tt = patchify(b, tx, { channels: C, height: H, width: W, patch: P })));
    expect(tt.shape).toEqual([6, 8]);
    const got = await gpu.read(tt);
    // token 4 = (ht 1, wt 1); feature 5 = (ph 1, pw 0, c 1) -> x[1, 3, 2]
    expect(got[4 * 8 + 5]).toBe((1 * H + 3) * W + 2);
    // token 2 = (ht 0, wt 2); feature 2 = (ph 0, pw 1, c 0) -> x[0, 0, 5]
    expect(got[2 * 8 + 2]).toBe(5);
    tx.release();
    tt.release();
  });

  const cases: [number, number, number, number][] = [[16, 2, 2, 2], [16, 10, 6, 2], [3, 9, 15, 3], [1, 1, 1, 1], [16, 64, 34, 2]];
  for (const [C, H, W, P] of cases) {
    const seed = C * 1000 + H * 10 + W;
    it(`C=${C} H=${H} W=${W} P=${P}: patchify, unpatchify of extra rows, seed=${seed}`, async () => {
      const gpu = await getGpu();
      const rng = new Rng(seed);
      const x = rng.normalArray(C * H * W); // (C, H, W)
      const T = (H / P) * (W / P);
      const F = P * P * C;
      const extra = rng.normalArray(5 * F); // caption rows after the image tokens
      const tokens = new Float32Array((T + 5) * F); // (T + 5, F)
      tokens.set(rng.normalArray(T * F));
      tokens.set(extra, T * F);
      const opts = { channels: C, height: H, width: W, patch: P };
      const tx = gpu.upload(x, [C, H, W]);
      const tk = gpu.upload(tokens, [T + 5, F]);
      let tp = tx;
      let tu = tx;
      let round = tx;
      gpu.run((b) => {
        tp = patchify(b, tx, opts);
        tu = unpatchify(b, tk, opts);
        round = unpatchify(b, tp, opts);
      });
      expectClose(await gpu.read(tp), patchifyRef(x, C, H, W, P), 0, 0, 'patchify');
      expectClose(await gpu.read(tu), unpatchifyRef(tokens, C, H, W, P), 0, 0, 'unpatchify');
      expectClose(await gpu.read(round), x, 0, 0, 'unpatchify(patchify(x)) = x');
      for (const t of [tx, tk, tp, tu, round]) t.release();
    });
  }

  it('rejects bad shapes with RangeErrors', async () => {
    const gpu = await getGpu();
    const x = gpu.upload(new Float32Array(2 * 4 * 6), [2, 4, 6]);
    const b = gpu.batch('patchify errors');
    expect(() => patchify(b, x, { channels: 2, height: 4, width: 5, patch: 2 })).toThrow(/multiple/);
    expect(() => patchify(b, x, { channels: 3, height: 4, width: 6, patch: 2 })).toThrow(RangeError);
    expect(() => unpatchify(b, x.reshape([4, 12]), { channels: 2, height: 4, width: 6, patch: 2 })).toThrow(/>= 6, 8/);
    b.submit();
    x.release();
  });
});
