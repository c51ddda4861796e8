// CPU reference for shaders/upsample_nearest2x.wgsl: out[c, y, x] = in[c, y >> 1, x >> 1] (PyTorch 'nearest', x2).
export function upsampleNearest2xRef(
  x: Float32Array, // (C, H, W)
  shape: readonly number[],
): Float32Array {
  const [c, h, w] = shape;
  const out = new Float32Array(c * 4 * h * w); // (C, 2H, 2W)
  for (let ch = 0; ch < c; ch++)
    for (let y = 0; y < 2 * h; y++)
      for (let xx = 0; xx < 2 * w; xx++) out[(ch * 2 * h + y) * 2 * w + xx] = x[(ch * h + (y >> 1)) * w + (xx >> 1)];
  return out;
}
