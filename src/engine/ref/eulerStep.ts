// CPU reference for shaders/euler_step.wgsl, computed in f32 like the GPU (Math.fround after each op).
export function eulerStepRef(z: Float32Array, v: Float32Array, dt: number): Float32Array {
  const out = new Float32Array(z.length);
  const d = Math.fround(dt);
  for (let i = 0; i < z.length; i++) out[i] = Math.fround(z[i] + Math.fround(d * v[i]));
  return out;
}
