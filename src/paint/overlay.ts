// The mask overlay's pixels: a tint whose alpha is the mask value, written only inside a dirty rectangle so that a
// dab on a 2048² image costs the dab's area, not the image's.
import type { MaskBitmap, Rect } from './mask.ts';

export interface Rgb {
  r: number;
  g: number;
  b: number;
}

export const OVERLAY_TINT: Rgb = { r: 255, g: 61, b: 110 };

/** Writes rect of the overlay into `rgba` (a full-image RGBA8 buffer, width * height * 4 bytes). */
export function renderOverlay(mask: MaskBitmap, rect: Rect, rgba: Uint8ClampedArray | Uint8Array, tint: Rgb = OVERLAY_TINT): void {
  const W = mask.width;
  for (let y = rect.y; y < rect.y + rect.h; y++) {
    let i = y * W + rect.x;
    let o = i * 4;
    for (let x = 0; x < rect.w; x++, i++, o += 4) {
      rgba[o] = tint.r;
      rgba[o + 1] = tint.g;
      rgba[o + 2] = tint.b;
      rgba[o + 3] = mask.data[i];
    }
  }
}
