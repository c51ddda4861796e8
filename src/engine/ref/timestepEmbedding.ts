// Exact (f64) reference for the timestep embedding: [cos(t * f_j), sin(t * f_j)], f_j = maxPeriod^(-j/half).
// The kernel's f32 angle differs from this by up to ~2 roundings of t*f_j (about 1.2e-7 * t), by design (it follows
// the fp32 reference); tests allow for that.
export function timestepEmbeddingRef(t: readonly number[], dim: number, maxPeriod = 10000): Float64Array {
  const half = dim / 2;
  const out = new Float64Array(t.length * dim);
  t.forEach((tv, row) => {
    for (let j = 0; j < half; j++) {
      const angle = tv * maxPeriod ** (-j / half);
      out[row * dim + j] = Math.cos(angle);
      out[row * dim + half + j] = Math.sin(angle);
    }
  });
  return out;
}
