// Pure RGBA8 resampling (no DOM): the fallback for thumbnails and resizing where no canvas exists (Node, tests).
import type { RgbaPixels } from './png.ts';

/** Resamples with a box filter when shrinking and bilinear interpolation when growing, per axis. */
export function resizeRgba(src: RgbaPixels, width: number, height: number): { width: number; height: number; data: Uint8ClampedArray } {
  const out = new Uint8ClampedArray(width * height * 4);
  const sx = src.width / width;
  const sy = src.height / height;
  const acc = new Float64Array(4);
  for (let y = 0; y < height; y++) {
    const [y0, y1] = span(y, sy, src.height);
    for (let x = 0; x < width; x++) {
      const [x0, x1] = span(x, sx, src.width);
      acc.fill(0);
      let wsum = 0;
      for (let j = Math.floor(y0); j < Math.ceil(y1); j++) {
        const wy = Math.min(y1, j + 1) - Math.max(y0, j);
        for (let i = Math.floor(x0); i < Math.ceil(x1); i++) {
          const w = wy * (Math.min(x1, i + 1) - Math.max(x0, i));
          const o = (Math.min(src.height - 1, j) * src.width + Math.min(src.width - 1, i)) * 4;
          for (let c = 0; c < 4; c++) acc[c] += src.data[o + c] * w;
          wsum += w;
        }
      }
      const o = (y * width + x) * 4;
      for (let c = 0; c < 4; c++) out[o + c] = Math.round(acc[c] / wsum);
    }
  }
  return { width, height, data: out };
}

/** The source interval an output pixel covers; at least one source pixel wide (so upscaling picks a neighbourhood). */
function span(o: number, scale: number, n: number): [number, number] {
  if (scale >= 1) return [o * scale, Math.min(n, (o + 1) * scale)];
  const c = (o + 0.5) * scale; // upscaling: a one-pixel window centred on the sample point
  const a = Math.max(0, Math.min(n - 1, c - 0.5));
  return [a, a + 1];
}

/** The size that fits within maxSide on the longer side, keeping the aspect ratio (never upscales). */
export function fitWithin(width: number, height: number, maxSide: number): { width: number; height: number } {
  const k = Math.min(1, maxSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * k)), height: Math.max(1, Math.round(height * k)) };
}
