import { describe, expect, it } from 'vitest';
import { cropMask, cropRgba, cropWorkingSize, maskBounds, paddedCropRect, pasteFeathered } from '../../src/paint/crop.ts';
import { effectiveMask, featherMask, growShrinkMask, maskFromAlpha, previewEffectiveMask, resizeMask, squaredDistance } from '../../src/paint/maskOps.ts';
import { Rng } from '../../src/lib/rng.ts';

/** A w×h mask with one painted pixel (or a filled rectangle). */
function maskWith(w: number, h: number, r: { x: number; y: number; w: number; h: number }): Uint8Array {
  const m = new Uint8Array(w * h);
  for (let y = r.y; y < r.y + r.h; y++) for (let x = r.x; x < r.x + r.w; x++) m[y * w + x] = 255;
  return m;
}
const count = (m: Uint8Array) => m.reduce((n, v) => n + (v >= 128 ? 1 : 0), 0);

describe('effective mask', () => {
  it('the distance transform is exact Euclidean (brute force on seeded random sites, seed 11)', () => {
    const rng = new Rng(11);
    for (const [w, h] of [[1, 1], [7, 3], [17, 13], [33, 1]]) {
      const sites = Array.from({ length: w * h }, () => rng.uniform() < 0.08);
      const d = squaredDistance(w, h, (i) => sites[i]);
      for (let i = 0; i < w * h; i++) {
        let best = Infinity;
        for (let j = 0; j < w * h; j++) if (sites[j]) best = Math.min(best, ((i % w) - (j % w)) ** 2 + (Math.floor(i / w) - Math.floor(j / w)) ** 2);
        if (best === Infinity) expect(d[i]).toBeGreaterThan(1e19);
        else expect(d[i]).toBe(best);
      }
    }
  });

  it('grows a dot into a disc and shrinks a square by the distance', () => {
    const dot = maskWith(21, 21, { x: 10, y: 10, w: 1, h: 1 });
    const disc = growShrinkMask(dot, 21, 21, 5);
    expect(disc[10 * 21 + 15]).toBe(255); // (5, 0) away: inside
    expect(disc[14 * 21 + 14]).toBe(0); // (4, 4) ≈ 5.66 away: outside
    expect(count(disc)).toBe(81); // lattice points within radius 5
    const sq = maskWith(20, 20, { x: 5, y: 5, w: 10, h: 10 });
    const shrunk = growShrinkMask(sq, 20, 20, -2);
    expect(maskBounds(shrunk, 20, 20)).toEqual({ x: 7, y: 7, w: 6, h: 6 });
    expect(growShrinkMask(sq, 20, 20, 0)).toEqual(sq);
    expect(count(growShrinkMask(sq, 20, 20, -6))).toBe(0);
  });

  it('feathering is a separable Gaussian: symmetric, soft edge, flat areas unchanged', () => {
    const sq = maskWith(40, 40, { x: 10, y: 10, w: 20, h: 20 });
    const f = featherMask(sq, 40, 40, 4);
    expect(f[20 * 40 + 20]).toBe(255);
    expect(f[0]).toBe(0);
    const edge = f[20 * 40 + 10];
    expect(edge).toBeGreaterThan(100);
    expect(edge).toBeLessThan(200);
    expect(f[20 * 40 + 10]).toBe(f[20 * 40 + 29]); // mirror-symmetric
    expect(f[10 * 40 + 20]).toBe(f[20 * 40 + 10]); // same along both axes
    expect(featherMask(sq, 40, 40, 0)).toEqual(sq);
    const e = effectiveMask(sq, 40, 40, { grow: 3, feather: 2 });
    expect(e[20 * 40 + 8]).toBeGreaterThan(128); // grown past the painted edge
  });

  it('previews at a small size with scaled grow and feather; resizes masks bilinearly', () => {
    const big = maskWith(1024, 512, { x: 256, y: 128, w: 512, h: 256 });
    const p = previewEffectiveMask(big, 1024, 512, { grow: 32, feather: 8 }, 256);
    expect([p.width, p.height]).toEqual([256, 128]);
    expect(maskBounds(p.data, 256, 128)!.x).toBeLessThan(64 - 6);
    expect(resizeMask(new Uint8Array([0, 255]), 2, 1, 4, 1)).toEqual(new Uint8Array([0, 64, 191, 255]));
  });

  it('a mask from alpha: transparent is repainted; an opaque image has none', () => {
    const px = new Uint8Array([1, 2, 3, 255, 1, 2, 3, 0, 1, 2, 3, 127]);
    expect(maskFromAlpha(px)).toEqual(new Uint8Array([0, 255, 255]));
    expect(maskFromAlpha(new Uint8Array([1, 2, 3, 255]))).toBeNull();
  });
});

describe('only the masked area', () => {
  it('pads the bounds inside the image, with a minimum side', () => {
    expect(paddedCropRect({ x: 100, y: 100, w: 50, h: 20 }, 32, 1000, 800)).toEqual({ x: 68, y: 68, w: 114, h: 84 });
    expect(paddedCropRect({ x: 0, y: 790, w: 5, h: 10 }, 8, 1000, 800, 64)).toEqual({ x: 0, y: 736, w: 64, h: 64 });
    expect(paddedCropRect({ x: 0, y: 0, w: 1000, h: 800 }, 32, 1000, 800)).toEqual({ x: 0, y: 0, w: 1000, h: 800 });
  });

  it('edits a crop at about the model native area, aspect kept, multiples of 16', () => {
    expect(cropWorkingSize(200, 100)).toEqual({ width: 1456, height: 720 });
    expect(cropWorkingSize(64, 64)).toEqual({ width: 1024, height: 1024 });
    expect(cropWorkingSize(4000, 100)).toEqual({ width: 2048, height: 256 });
  });

  it('crop then paste through the mask: outside the crop and where alpha is 0 the original is exact', () => {
    const W = 8;
    const H = 6;
    const base = new Uint8Array(W * H * 4).map((_, i) => i % 251);
    const r = { x: 2, y: 1, w: 4, h: 3 };
    const c = cropRgba(base, W, r);
    expect(Array.from(c.subarray(0, 4))).toEqual(Array.from(base.subarray((1 * W + 2) * 4, (1 * W + 2) * 4 + 4)));
    const patch = new Uint8Array(r.w * r.h * 4).fill(200);
    const alpha = cropMask(maskWith(W, H, { x: 3, y: 2, w: 2, h: 1 }), W, r);
    alpha[0] = 128;
    const out = pasteFeathered(base, W, patch, r, alpha);
    for (let p = 0; p < W * H; p++) {
      const x = p % W;
      const y = Math.floor(p / W);
      const painted = y === 2 && (x === 3 || x === 4);
      const half = x === 2 && y === 1;
      for (let ch = 0; ch < 4; ch++) {
        const want = ch === 3 ? base[p * 4 + ch] : painted ? 200 : half ? Math.round((base[p * 4 + ch] * 127 + 200 * 128) / 255) : base[p * 4 + ch];
        expect(out[p * 4 + ch], `pixel ${x},${y} channel ${ch}`).toBe(want);
      }
    }
  });
});
