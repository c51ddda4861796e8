import { describe, expect, it } from 'vitest';
import { canny } from '../../src/engine/kernels/canny.ts';
import { cannyRef, type CannyThresholds } from '../../src/engine/ref/canny.ts';
import { Rng } from '../../src/lib/rng.ts';
import { expectClose, getGpu } from './harness.ts';

/** Blocky shapes plus noise: real edges, weak edges and ties, at awkward sizes. */
function image(w: number, h: number, seed: number): Uint8Array {
  const rng = new Rng(seed);
  const noise = rng.normalArray(w * h * 3);
  const cx = w * (0.3 + 0.4 * ((seed % 7) / 7));
  const cy = h / 2;
  const px = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const inDisc = (x - cx) ** 2 + (y - cy) ** 2 < (Math.min(w, h) / 3) ** 2;
      const base = inDisc ? 200 : x > w / 2 ? 120 : 40;
      for (let c = 0; c < 3; c++) px[(y * w + x) * 4 + c] = Math.max(0, Math.min(255, Math.round(base + (c - 1) * 20 + 12 * noise[(y * w + x) * 3 + c])));
      px[(y * w + x) * 4 + 3] = 255;
    }
  return px;
}

// 1x1, a line, non-multiples of the 8x8 workgroup, one wider than tall
const CASES: [w: number, h: number, t: CannyThresholds][] = [
  [1, 1, { low: 10, high: 20, passes: 2 }],
  [33, 1, { low: 10, high: 20, passes: 2 }],
  [17, 9, { low: 20, high: 60, passes: 4 }],
  [65, 33, { low: 50, high: 100, passes: 8 }],
  [129, 47, { low: 5, high: 200, passes: 16 }],
  [100, 100, { low: 0, high: 0, passes: 0 }],
];

describe('canny vs CPU loops (exact integers)', () => {
  CASES.forEach(([w, h, t], i) => {
    const seed = 1600 + i;
    it(`${w}x${h} low=${t.low} high=${t.high} passes=${t.passes}, seed=${seed}`, async () => {
      const gpu = await getGpu();
      const px = image(w, h, seed);
      const img = gpu.upload(new Float32Array(px.buffer), [h, w], 'f32', 'rgba'); // the bytes, as stored
      let out = img;
      gpu.run((b) => (out = canny(b, img, t)));
      const got = await gpu.read(out);
      const want = cannyRef(px, w, h, t);
      expectClose(got, want, 0, 0, `canny ${w}x${h}`);
      if (w > 8 && h > 8 && t.high > 0) expect(want.some((v) => v === 1)).toBe(true); // the case has edges
      img.release();
      out.release();
    });
  });
  it('raising the thresholds never adds edges', async () => {
    const px = image(65, 33, 1700);
    const lo = cannyRef(px, 65, 33, { low: 20, high: 40, passes: 8 });
    const hi = cannyRef(px, 65, 33, { low: 80, high: 160, passes: 8 });
    expect(hi.every((v, i) => v <= lo[i])).toBe(true);
    expect(hi.reduce((a, b) => a + b, 0)).toBeLessThan(lo.reduce((a, b) => a + b, 0));
  });
});
