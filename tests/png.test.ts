import { describe, expect, it } from 'vitest';
import { inflateSync } from 'node:zlib';
import {
  crc32,
  decodePng,
  encodePng,
  encodeStudioPng,
  readPngText,
} from '../src/lib/png.ts';
import type { ImageMetadata } from '../src/worker/protocol.ts';
import { parseMetadata, readStudioMetadata } from '../src/lib/pngMeta.ts';
import { Rng } from '../src/lib/rng.ts';

const meta: ImageMetadata = {
  prompt: 'a lighthouse at dusk, 雾中的灯塔 — «quoted»',
  negativePrompt: 'blurry',
  seed: 4294967295,
  steps: 8,
  width: 48,
  height: 32,
  model: 'zimage-turbo-q4',
  mode: 'text-to-image',
  strength: null,
  guidanceScale: 0,
};

function randomImage(w: number, h: number, seed: number) {
  const r = new Rng(seed).uniformArray(w * h * 4, 0, 1);
  const data = new Uint8Array(w * h * 4);
  // Half noise, half smooth gradient so every filter type gets picked somewhere.
  for (let i = 0; i < data.length; i++) data[i] = i % 8 < 4 ? Math.floor(r[i] * 256) : (i >> 2) % 251;
  return { width: w, height: h, data };
}

describe('png', () => {
  it('crc32 matches the standard check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it.each([
    [1, 1, 1],
    [33, 7, 2],
    [48, 32, 3],
  ])('round-trips %ix%i RGBA pixels exactly (seed %i)', async (w, h, seed) => {
    const img = randomImage(w, h, seed);
    const png = await encodePng(img);
    const back = await decodePng(png);
    expect(back.width).toBe(w);
    expect(back.height).toBe(h);
    expect(Buffer.from(back.data).equals(Buffer.from(img.data))).toBe(true);
  });

  it('writes a zlib stream that an independent inflater (node:zlib) reads', async () => {
    const img = randomImage(5, 3, 4);
    const png = await encodePng(img);
    // IDAT is the last chunk before IEND here.
    const v = new DataView(png.buffer, png.byteOffset);
    let o = 8;
    let idat: Uint8Array | null = null;
    while (o < png.length) {
      const len = v.getUint32(o);
      const type = String.fromCharCode(...png.subarray(o + 4, o + 8));
      if (type === 'IDAT') idat = png.subarray(o + 8, o + 8 + len);
      o += 12 + len;
    }
    const raw = inflateSync(idat!);
    expect(raw.length).toBe(3 * (5 * 4 + 1));
  });

  it('stores the parameters in a zimage tEXt chunk and reads them back, non-Latin-1 text included', async () => {
    const png = await encodeStudioPng(randomImage(48, 32, 5), meta);
    const text = readPngText(png);
    expect(Object.keys(text)).toContain('zimage');
    expect([...text.zimage].every((c) => c.charCodeAt(0) < 128)).toBe(true);
    expect(readStudioMetadata(png)).toEqual(meta);
  });

  it('gives null for a PNG without studio metadata, for non-PNG bytes and for a damaged chunk', async () => {
    const plain = await encodePng(randomImage(4, 4, 6), { Comment: 'hello' });
    expect(readPngText(plain)).toEqual({ Comment: 'hello' });
    expect(readStudioMetadata(plain)).toBeNull();
    expect(readStudioMetadata(new TextEncoder().encode('GIF89a not a png'))).toBeNull();
    const png = await encodeStudioPng(randomImage(4, 4, 7), meta);
    const at = Buffer.from(png).indexOf('zimage') + 10;
    const broken = png.slice();
    broken[at] ^= 0x55; // the CRC no longer matches: the chunk is ignored
    expect(readStudioMetadata(broken)).toBeNull();
  });

  it('rejects metadata of the wrong shape', async () => {
    const png = await encodePng(randomImage(2, 2, 8), { zimage: '{"prompt": 3}' });
    expect(readStudioMetadata(png)).toBeNull();
  });

  it('refuses pixel buffers of the wrong size', async () => {
    await expect(encodePng({ width: 2, height: 2, data: new Uint8Array(15) })).rejects.toThrow(/2x2/);
  });
});

describe('control metadata', () => {
  it('keeps the ControlNet use (kind, scale, range, path) and drops a malformed one', () => {
    const meta = { prompt: 'p', seed: 1, steps: 8, width: 256, height: 256, model: 'm', mode: 'inpaint', strength: 1, guidanceScale: null };
    const control = { kind: 'scribble', scale: 0.8, start: 0, end: 0.6, path: 'control-inpaint' };
    expect(parseMetadata(JSON.stringify({ ...meta, control }))?.control).toEqual(control);
    expect(parseMetadata(JSON.stringify({ ...meta, control: { kind: 'laser', scale: 1, start: 0, end: 1 } }))?.control).toBeUndefined();
    expect(parseMetadata(JSON.stringify(meta))?.control).toBeUndefined();
  });
});
