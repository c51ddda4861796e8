// CPU reference for shaders/conv2d.wgsl and shaders/conv2d_naive.wgsl: direct loops, f64 accumulation (the GPU
// sums in f32 in another order; tests allow for that), zero padding exactly as PyTorch's F.pad + F.conv2d.
export type Conv2dRefPadding = 'same' | 'vae-down';

export interface Conv2dRefResult {
  data: Float32Array; // (Cout, Ho, Wo)
  shape: [number, number, number];
}

export function conv2dRef(
  x: Float32Array, // (Cin, H, W)
  xShape: readonly number[],
  weight: Float32Array, // (Cout, Cin, kh, kw), already rounded to the dtype the GPU sees
  wShape: readonly number[],
  bias: Float32Array, // (Cout)
  opts: { stride?: number; padding?: Conv2dRefPadding } = {},
): Conv2dRefResult {
  const [cin, h, w] = xShape;
  const [cout, , kh, kw] = wShape;
  const padding = opts.padding ?? 'same';
  const s = opts.stride ?? (padding === 'vae-down' ? 2 : 1);
  const [padT, padL, padB, padR] = padding === 'same' ? [(kh - 1) / 2, (kw - 1) / 2, (kh - 1) / 2, (kw - 1) / 2] : [0, 0, 1, 1];
  const ho = Math.floor((h + padT + padB - kh) / s) + 1;
  const wo = Math.floor((w + padL + padR - kw) / s) + 1;
  const out = new Float32Array(cout * ho * wo);
  for (let co = 0; co < cout; co++) {
    for (let oy = 0; oy < ho; oy++) {
      for (let ox = 0; ox < wo; ox++) {
        let acc = bias[co];
        for (let ci = 0; ci < cin; ci++) {
          for (let ky = 0; ky < kh; ky++) {
            const iy = oy * s - padT + ky;
            if (iy < 0 || iy >= h) continue; // zero padding
            for (let kx = 0; kx < kw; kx++) {
              const ix = ox * s - padL + kx;
              if (ix < 0 || ix >= w) continue;
              acc += weight[((co * cin + ci) * kh + ky) * kw + kx] * x[(ci * h + iy) * w + ix];
            }
          }
        }
        out[(co * ho + oy) * wo + ox] = acc;
      }
    }
  }
  return { data: out, shape: [cout, ho, wo] };
}
