// CPU references for the matmul family (shaders/matmul*.wgsl): naive loops in f32 (Math.fround after every
// operation), weights given as f32 values — for f16 weights pass them through roundF16Array, for q4/q8 through
// dequantRef (ref/quant.ts), so the reference sees exactly the values the GPU decodes.
import { roundToF16 } from '../../lib/f16.ts';

const f = Math.fround;

/** Values rounded to the nearest f16, as the GPU sees an f16 upload. */
export function roundF16Array(a: Float32Array): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = roundToF16(a[i]);
  return out;
}

/** y = x · Wᵀ (+ bias). x (M, K), w (N, K), bias (N) → y (M, N). */
export function matmulRef(x: Float32Array, w: Float32Array, M: number, K: number, N: number, bias?: Float32Array): Float32Array {
  const y = new Float32Array(M * N); // (M, N)
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      let acc = 0;
      for (let k = 0; k < K; k++) acc = f(acc + f(x[m * K + k] * w[n * K + k]));
      y[m * N + n] = bias ? f(acc + bias[n]) : acc;
    }
  }
  return y;
}

/** silu(x · Wgᵀ + addGate) * (x · Wuᵀ + addUp), silu(g) = g / (1 + exp(-g)); addends (M, N) optional. */
export function matmulSwiGLURef(
  x: Float32Array,
  wGate: Float32Array,
  wUp: Float32Array,
  M: number,
  K: number,
  N: number,
  add: { gate?: Float32Array; up?: Float32Array } = {},
): Float32Array {
  const g = matmulRef(x, wGate, M, K, N); // (M, N)
  const u = matmulRef(x, wUp, M, K, N); // (M, N)
  const y = new Float32Array(M * N);
  for (let i = 0; i < y.length; i++) {
    const gi = add.gate ? f(g[i] + add.gate[i]) : g[i];
    const ui = add.up ? f(u[i] + add.up[i]) : u[i];
    y[i] = f(f(gi / f(1 + f(Math.exp(-gi)))) * ui);
  }
  return y;
}

/** A LoRA side product x · Aᵀ · Bᵀ: x (M, K), a (R, K), b (N, R) -> (M, N), in the order the GPU computes it. */
export function loraProductRef(x: Float32Array, a: Float32Array, b: Float32Array, M: number, K: number, R: number, N: number): Float32Array {
  return matmulRef(matmulRef(x, a, M, K, R), b, M, R, N);
}

/** residual + tanh(gate[rowSel[m] ?? 0]) * (x · Wᵀ + bias). residual (M, N), gate (G, N), rowSel (M). */
export function matmulGatedResidualRef(
  x: Float32Array,
  w: Float32Array,
  M: number,
  K: number,
  N: number,
  residual: Float32Array,
  gate: Float32Array,
  opts: { bias?: Float32Array; rowSel?: Uint32Array } = {},
): Float32Array {
  const v = matmulRef(x, w, M, K, N, opts.bias); // (M, N)
  const y = new Float32Array(M * N);
  for (let m = 0; m < M; m++) {
    const g = opts.rowSel ? opts.rowSel[m] : 0;
    for (let n = 0; n < N; n++) y[m * N + n] = f(residual[m * N + n] + f(f(Math.tanh(gate[g * N + n])) * v[m * N + n]));
  }
  return y;
}
