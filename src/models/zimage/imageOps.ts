// CPU-side image plumbing of the pipelines: RGBA8 <-> (3, H, W) in [-1, 1], masks to latent resolution, the inward
// feather that composites inpainted pixels without touching anything outside the mask.

/** RGBA8 (H*W*4) -> (3, H, W) floats in [-1, 1] (alpha ignored). */
export function rgbaToChw(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number): Float32Array {
  const n = width * height;
  const out = new Float32Array(3 * n);
  for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) out[c * n + i] = (rgba[i * 4 + c] / 255) * 2 - 1;
  return out;
}

/** (3, H, W) in about [-1, 1] -> RGBA8, as the reference does: round(clamp(x / 2 + 0.5, 0, 1) * 255). */
export function chwToRgba(chw: Float32Array, width: number, height: number): Uint8ClampedArray {
  const n = width * height;
  const out = new Uint8ClampedArray(n * 4);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) {
      const v = Math.min(1, Math.max(0, chw[c * n + i] / 2 + 0.5));
      out[i * 4 + c] = Math.round(v * 255);
    }
    out[i * 4 + 3] = 255;
  }
  return out;
}

/** A byte mask (H*W, 255 = repaint) resized to (h, w) floats in {0, 1} by nearest neighbour (torch 'nearest'). */
export function maskToLatent(mask: Uint8Array, width: number, height: number, w: number, h: number): Float32Array {
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const sy = Math.min(height - 1, Math.floor((y * height) / h));
    for (let x = 0; x < w; x++) {
      const sx = Math.min(width - 1, Math.floor((x * width) / w));
      out[y * w + x] = mask[sy * width + sx] >= 128 ? 1 : 0;
    }
  }
  return out;
}

/**
 * Feathers a byte mask inward: weight 1 deep inside the masked region, ramping to 0 at its edge over `radius` px,
 * and exactly 0 outside it, so compositing with it never changes an unmasked pixel.
 */
export function inwardFeather(mask: Uint8Array, width: number, height: number, radius: number): Float32Array {
  const inside = (x: number, y: number) => x >= 0 && y >= 0 && x < width && y < height && mask[y * width + x] >= 128;
  // Distance (chebyshev, in px) to the nearest unmasked pixel, capped at radius: two passes of a chamfer transform.
  const d = new Float32Array(width * height);
  for (let i = 0; i < d.length; i++) d[i] = mask[i] >= 128 ? radius : 0;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (!d[i]) continue;
      let v = d[i];
      for (const [dx, dy] of [[-1, 0], [0, -1], [-1, -1], [1, -1]]) v = Math.min(v, inside(x + dx, y + dy) ? d[(y + dy) * width + x + dx] + 1 : 1);
      d[i] = v;
    }
  for (let y = height - 1; y >= 0; y--)
    for (let x = width - 1; x >= 0; x--) {
      const i = y * width + x;
      if (!d[i]) continue;
      let v = d[i];
      for (const [dx, dy] of [[1, 0], [0, 1], [1, 1], [-1, 1]]) v = Math.min(v, inside(x + dx, y + dy) ? d[(y + dy) * width + x + dx] + 1 : 1);
      d[i] = v;
    }
  for (let i = 0; i < d.length; i++) d[i] = Math.min(1, d[i] / radius);
  return d;
}

/** out = w * generated + (1 - w) * original per pixel (RGBA8), alpha from the original. */
export function composite(generated: Uint8ClampedArray, original: Uint8Array | Uint8ClampedArray, weight: Float32Array): Uint8ClampedArray {
  const out = new Uint8ClampedArray(original.length);
  for (let i = 0; i < weight.length; i++) {
    const w = weight[i];
    for (let c = 0; c < 3; c++) out[i * 4 + c] = w === 0 ? original[i * 4 + c] : Math.round(w * generated[i * 4 + c] + (1 - w) * original[i * 4 + c]);
    out[i * 4 + 3] = original[i * 4 + 3];
  }
  return out;
}
