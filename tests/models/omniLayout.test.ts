import { describe, expect, it } from 'vitest';
import { omniLayout } from '../../src/models/zimage/omni.ts';

const rows = (p: Int32Array) => Array.from({ length: p.length / 3 }, (_, i) => Array.from(p.slice(i * 3, i * 3 + 3)));

describe('omni sequence layout (diffusers patchify_and_embed_omni)', () => {
  const layout = omniLayout({
    capLens: [5, 17, 4],
    images: [{ h: 12, w: 8 }, { h: 12, w: 8 }],
    siglip: [{ h: 3, w: 2 }, null],
    noisy: [false, true],
    patch: 2,
  });
  it('pads every segment to 32 and flags captions by their image (the last segment noisy)', () => {
    expect(layout.cap.segs.map((s) => s.padded)).toEqual([32, 32, 32]);
    expect(layout.cap.flags.slice(0, 32).every((f) => f === 0)).toBe(true);
    expect(layout.cap.flags.slice(32).every((f) => f === 1)).toBe(true);
    expect(layout.img.flags.slice(0, 32).every((f) => f === 0)).toBe(true);
    expect(layout.img.segs.map((s) => s.tokens)).toEqual([24, 24]);
  });
  it('shifts later caption ids by earlier pads, as the reference does', () => {
    const cap = rows(layout.cap.positions);
    expect(cap.length).toBe(96);
    expect(cap[0]).toEqual([1, 0, 0]);
    expect(cap[31]).toEqual([32, 0, 0]); // segment 0 runs over its padded length
    expect(cap[32]).toEqual([0, 0, 0]); // then its 27 pad ids again, read by segment 1's first rows
    expect(cap[32 + 27]).toEqual([8, 0, 0]); // segment 1 starts at 1 + 5 + 2
  });
  it('places images after their caption segment and rescales SigLIP ids onto the latent grid', () => {
    const img = rows(layout.img.positions);
    expect(img[0]).toEqual([6, 0, 0]); // end of segment 0 = 1 + 5
    expect(img[5]).toEqual([6, 1, 1]); // token (1, 1) of a 6x4 grid
    expect(img[24]).toEqual([0, 0, 0]); // pad
    expect(img[32]).toEqual([6 + 2 + 17, 0, 0]);
    const sig = rows(layout.sig!.positions);
    expect(sig[0]).toEqual([7, 0, 0]);
    expect(sig[5]).toEqual([7, 11, 7]); // (2, 1) of 3x2 -> (2/2*11, 1/1*7)
    expect(layout.sig!.segs.map((s) => s.padded)).toEqual([32, 32]); // the target has none: 32 pad rows
  });
});
