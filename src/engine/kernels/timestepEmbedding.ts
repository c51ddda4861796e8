// Sinusoidal timestep embedding of Z-Image's TimestepEmbedder (before its MLP), computed on the CPU and uploaded.
//   half = dim/2, f_j = exp(-ln(maxPeriod) * j / half), emb[t] = [cos(t*f_0..f_{half-1}), sin(t*f_0..)] (cos first).
// The caller passes the embedder input already scaled: for the DiT that is t_scale * t = 1000 * (1 - sigma)
// (zimage-spec §5.3, §6: the model's t is 1 - sigma and forward() multiplies it by t_scale = 1000).
//
// No WGSL on purpose: WGSL only bounds sin/cos error on [-pi, pi], and these angles reach 1000 rad, so a GPU
// sin/cos could be far off; the values are also tiny ((T, 256) per step). The float32 steps of the reference
// (torch, fp32 under autocast-off) are reproduced: f_j = fp32(exp(fp32(fp32(-ln(maxPeriod)) * j) / half)),
// angle = fp32(fp32(t) * f_j), then cos/sin of that f32 angle, so results match the reference's fp32 path to
// about one rounding, not just the exact math.
import type { Batch } from '../gpu.ts';
import type { Tensor } from '../tensor.ts';

export interface TimestepEmbeddingOptions {
  maxPeriod?: number; // default 10000
}

/** The (T, dim) values as a Float32Array, row t = [cos (dim/2) | sin (dim/2)]. */
export function timestepEmbeddingValues(t: readonly number[], dim: number, opts: TimestepEmbeddingOptions = {}): Float32Array {
  const maxPeriod = opts.maxPeriod ?? 10000;
  if (!Number.isInteger(dim) || dim < 2 || dim % 2) throw new RangeError(`timestepEmbedding: dim must be even and >= 2, got ${dim}`);
  if (!(maxPeriod > 0)) throw new RangeError(`timestepEmbedding: maxPeriod must be > 0, got ${maxPeriod}`);
  if (t.length === 0 || t.some((v) => !Number.isFinite(v))) throw new RangeError(`timestepEmbedding: bad timesteps [${t}]`);
  const f32 = Math.fround;
  const half = dim / 2;
  const negLog = f32(-Math.log(maxPeriod));
  const freqs = Float32Array.from({ length: half }, (_, j) => f32(Math.exp(f32(f32(negLog * j) / half))));
  const out = new Float32Array(t.length * dim);
  t.forEach((tv, row) => {
    const t32 = f32(tv);
    for (let j = 0; j < half; j++) {
      const angle = f32(t32 * freqs[j]);
      out[row * dim + j] = Math.cos(angle);
      out[row * dim + half + j] = Math.sin(angle);
    }
  });
  return out;
}

/** A new (T, dim) f32 tensor (its own buffer, written at creation, so it is safe anywhere in a batch). */
export function timestepEmbedding(b: Batch, t: readonly number[], dim: number, opts: TimestepEmbeddingOptions = {}): Tensor {
  return b.gpu.upload(timestepEmbeddingValues(t, dim, opts), [t.length, dim], 'f32', 'timestepEmbedding');
}
