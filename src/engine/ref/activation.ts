// CPU references for shaders/activation.wgsl (f64 arithmetic, stored as f32).
const map = (n: number, f: (i: number) => number) => Float32Array.from({ length: n }, (_, i) => f(i));

export const reluRef = (a: Float32Array) => map(a.length, (i) => Math.max(a[i], 0));
export const addReluRef = (a: Float32Array, c: Float32Array) => map(a.length, (i) => Math.max(a[i] + c[i], 0));
/** The limit is rounded to f32 first, as in the uniform block. */
export const tanhClampRef = (a: Float32Array, limit: number) => {
  const l = Math.fround(limit);
  return map(a.length, (i) => l * Math.tanh(a[i] / l));
};
