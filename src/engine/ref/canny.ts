// CPU reference of shaders/canny.wgsl: the same integer steps, loop by loop (luma, 3x3 Gaussian x16, Sobel,
// non-maximum suppression with double thresholds, `passes` hysteresis passes, strong pixels -> 1).
export interface CannyThresholds {
  /** Gradient magnitude thresholds on the 0..255 scale (OpenCV-like: low 100, high 200 on 8-bit images). */
  low: number;
  high: number;
  /** Hysteresis passes: each grows strong edges by one pixel through weak ones. */
  passes: number;
}

/** Squared thresholds in the kernel's units (the blur is 16x the normalised Gaussian). */
export const cannySquared = (t: number): number => Math.round(t * 16) ** 2;

export function cannyRef(rgba: Uint8Array | Uint8ClampedArray, w: number, h: number, t: CannyThresholds): Float32Array {
  const clampAt = (buf: Uint32Array, x: number, y: number) => buf[Math.min(h - 1, Math.max(0, y)) * w + Math.min(w - 1, Math.max(0, x))];
  const luma = new Uint32Array(w * h);
  for (let i = 0; i < w * h; i++) luma[i] = (77 * rgba[i * 4] + 150 * rgba[i * 4 + 1] + 29 * rgba[i * 4 + 2]) >> 8;
  const blur = new Uint32Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) s += (2 - Math.abs(dx)) * (2 - Math.abs(dy)) * clampAt(luma, x + dx, y + dy);
      blur[y * w + x] = s;
    }
  const mag = new Float64Array(w * h); // exact: < 2^31
  const dir = new Uint8Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const b = (dx: number, dy: number) => clampAt(blur, x + dx, y + dy);
      const gx = b(1, -1) + 2 * b(1, 0) + b(1, 1) - b(-1, -1) - 2 * b(-1, 0) - b(-1, 1);
      const gy = b(-1, 1) + 2 * b(0, 1) + b(1, 1) - b(-1, -1) - 2 * b(0, -1) - b(1, -1);
      const ax = Math.abs(gx);
      const ay = Math.abs(gy);
      dir[y * w + x] = ay * 1000 <= ax * 414 ? 0 : ay * 414 >= ax * 1000 ? 2 : gx < 0 !== gy < 0 ? 3 : 1;
      mag[y * w + x] = ax * ax + ay * ay;
    }
  const low2 = cannySquared(t.low);
  const high2 = cannySquared(t.high);
  const D: [number, number][] = [[1, 0], [1, 1], [0, 1], [1, -1]];
  let cls = new Uint8Array(w * h);
  for (let y = 1; y < h - 1; y++)
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      const [dx, dy] = D[dir[i]];
      const m = mag[i];
      if (m > mag[(y - dy) * w + x - dx] && m >= mag[(y + dy) * w + x + dx] && m >= low2) cls[i] = m >= high2 ? 2 : 1;
    }
  for (let k = 0; k < t.passes; k++) {
    const next = cls.slice();
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        if (cls[y * w + x] !== 1) continue;
        for (let dy = -1; dy <= 1; dy++)
          for (let dx = -1; dx <= 1; dx++) {
            const nx = x + dx;
            const ny = y + dy;
            if (nx >= 0 && ny >= 0 && nx < w && ny < h && cls[ny * w + nx] === 2) next[y * w + x] = 2;
          }
      }
    cls = next;
  }
  return Float32Array.from(cls, (c) => (c === 2 ? 1 : 0));
}
