// CPU reference for shaders/rope.wgsl (returns a rotated copy; the kernel works in place).
// cos, sin: (Lt >= L, hd/2) flattened; row l for token l.
export function ropeRef(x: Float32Array, cos: Float32Array, sin: Float32Array, heads: number, headDim: number, half: boolean): Float32Array {
  const hh = headDim / 2;
  const L = x.length / (heads * headDim);
  const out = new Float32Array(x);
  for (let l = 0; l < L; l++)
    for (let h = 0; h < heads; h++) {
      const base = (l * heads + h) * headDim;
      for (let j = 0; j < hh; j++) {
        const ia = half ? base + j : base + 2 * j;
        const ib = half ? ia + hh : ia + 1;
        const c = cos[l * hh + j];
        const s = sin[l * hh + j];
        out[ia] = x[ia] * c - x[ib] * s;
        out[ib] = x[ia] * s + x[ib] * c;
      }
    }
  return out;
}
