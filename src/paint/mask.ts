// The mask bitmap and pixel rectangles: one byte per pixel, 255 = repaint, 0 = keep (GenerateRequest.mask's layout).

export interface MaskBitmap {
  width: number; // px
  height: number; // px
  /** width * height bytes, row-major. */
  data: Uint8Array;
}

/** A pixel rectangle: x, y inclusive, w, h in px. */
export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export function createMask(width: number, height: number): MaskBitmap {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0))
    throw new Error(`A mask needs a positive integer size, got ${width}x${height}.`);
  return { width, height, data: new Uint8Array(width * height) };
}

export const fullRect = (m: { width: number; height: number }): Rect => ({ x: 0, y: 0, w: m.width, h: m.height });

/** The smallest rectangle holding both; null counts as empty. */
export function unionRect(a: Rect | null, b: Rect | null): Rect | null {
  if (!a) return b;
  if (!b) return a;
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, w: Math.max(a.x + a.w, b.x + b.w) - x, h: Math.max(a.y + a.h, b.y + b.h) - y };
}

/** The part of r inside a width x height image, or null when nothing is. */
export function clipRect(r: Rect, width: number, height: number): Rect | null {
  const x0 = Math.max(0, r.x);
  const y0 = Math.max(0, r.y);
  const x1 = Math.min(width, r.x + r.w);
  const y1 = Math.min(height, r.y + r.h);
  return x1 > x0 && y1 > y0 ? { x: x0, y: y0, w: x1 - x0, h: y1 - y0 } : null;
}

/** Copies a rectangle of the mask out (row-major, w * h bytes). */
export function readRect(m: MaskBitmap, r: Rect): Uint8Array {
  const out = new Uint8Array(r.w * r.h);
  for (let y = 0; y < r.h; y++) out.set(m.data.subarray((r.y + y) * m.width + r.x, (r.y + y) * m.width + r.x + r.w), y * r.w);
  return out;
}

/** Writes a rectangle read by readRect back. */
export function writeRect(m: MaskBitmap, r: Rect, pixels: Uint8Array): void {
  for (let y = 0; y < r.h; y++) m.data.set(pixels.subarray(y * r.w, (y + 1) * r.w), (r.y + y) * m.width + r.x);
}

export function invertMask(m: MaskBitmap): void {
  const d = m.data;
  for (let i = 0; i < d.length; i++) d[i] = 255 - d[i];
}

export function clearMask(m: MaskBitmap): void {
  m.data.fill(0);
}

export function isMaskEmpty(m: MaskBitmap): boolean {
  const d = m.data;
  for (let i = 0; i < d.length; i++) if (d[i] !== 0) return false;
  return true;
}

/** The fraction of the image marked for repaint, 0..1 (soft pixels count by their value). */
export function maskCoverage(m: MaskBitmap): number {
  let sum = 0;
  const d = m.data;
  for (let i = 0; i < d.length; i++) sum += d[i];
  return sum / (255 * d.length);
}
