// "Only the masked area" (A1111's "Inpaint area: Only masked", Krita's selection-bounded inpaint): crop a padded
// region around the mask, edit it at the model's working resolution, and paste it back through the feathered mask.
// Pure rectangle and pixel math; the store runs crop -> resize -> edit -> resize back -> paste.
import type { Rect } from './mask.ts';

/** The bounding box of the pixels > 0, or null for an empty mask. */
export function maskBounds(mask: Uint8Array, width: number, height: number): Rect | null {
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++)
      if (mask[row + x] > 0) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        y1 = y;
      }
  }
  return x1 < 0 ? null : { x: x0, y: y0, w: x1 - x0 + 1, h: y1 - y0 + 1 };
}

/** Grows a side to at least `min`, centred on [start, start+len), kept inside [0, limit). */
function growSpan(start: number, len: number, min: number, limit: number): [number, number] {
  const want = Math.min(limit, Math.max(len, min));
  let s = Math.round(start - (want - len) / 2);
  s = Math.max(0, Math.min(limit - want, s));
  return [s, want];
}

/** The region to edit: the mask's bounds plus `padding` px on each side, at least `minSide` px a side, inside the image. */
export function paddedCropRect(bounds: Rect, padding: number, width: number, height: number, minSide = 64): Rect {
  const x = Math.max(0, bounds.x - padding);
  const y = Math.max(0, bounds.y - padding);
  const w = Math.min(width, bounds.x + bounds.w + padding) - x;
  const h = Math.min(height, bounds.y + bounds.h + padding) - y;
  const [cx, cw] = growSpan(x, w, minSide, width);
  const [cy, ch] = growSpan(y, h, minSide, height);
  return { x: cx, y: cy, w: cw, h: ch };
}

/**
 * The size the model edits a crop at: the crop's aspect, about `targetPixels` in area (the model's native 1024²),
 * sides multiples of `step` within [minSide, maxSide].
 */
export function cropWorkingSize(w: number, h: number, opts: { targetPixels?: number; step?: number; minSide?: number; maxSide?: number } = {}): { width: number; height: number } {
  const { targetPixels = 1024 * 1024, step = 16, minSide = 256, maxSide = 2048 } = opts;
  let k = Math.sqrt(targetPixels / (w * h));
  k = Math.min(k, maxSide / Math.max(w, h));
  k = Math.max(k, minSide / Math.min(w, h));
  const snap = (v: number) => Math.min(maxSide, Math.max(minSide, Math.round(v / step) * step));
  return { width: snap(w * k), height: snap(h * k) };
}

/** Copies a rectangle of an RGBA image. */
export function cropRgba(src: Uint8Array | Uint8ClampedArray, width: number, r: Rect): Uint8Array {
  const out = new Uint8Array(r.w * r.h * 4);
  for (let y = 0; y < r.h; y++) out.set(src.subarray(((r.y + y) * width + r.x) * 4, ((r.y + y) * width + r.x + r.w) * 4), y * r.w * 4);
  return out;
}

/** Copies a rectangle of a one-channel mask. */
export function cropMask(src: Uint8Array, width: number, r: Rect): Uint8Array {
  const out = new Uint8Array(r.w * r.h);
  for (let y = 0; y < r.h; y++) out.set(src.subarray((r.y + y) * width + r.x, (r.y + y) * width + r.x + r.w), y * r.w);
  return out;
}

/**
 * Pastes an edited crop (r.w × r.h RGBA) back into a copy of the full image through `alpha` (r.w × r.h, 0..255):
 * out = base·(1 − a) + patch·a. Pixels where alpha is 0, and everything outside r, are the original's exactly.
 */
export function pasteFeathered(base: Uint8Array | Uint8ClampedArray, width: number, patch: Uint8Array | Uint8ClampedArray, r: Rect, alpha: Uint8Array): Uint8Array {
  const out = new Uint8Array(base);
  for (let y = 0; y < r.h; y++)
    for (let x = 0; x < r.w; x++) {
      const a = alpha[y * r.w + x];
      if (a === 0) continue;
      const o = ((r.y + y) * width + r.x + x) * 4;
      const p = (y * r.w + x) * 4;
      for (let c = 0; c < 3; c++) out[o + c] = Math.round((base[o + c] * (255 - a) + patch[p + c] * a) / 255);
    }
  return out;
}
