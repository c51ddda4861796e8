// The naive matmul y = x · Wᵀ (one output per invocation), kept as the benchmark baseline for matmul.ts.
// Bindings and dispatch: shaders/matmul_naive.wgsl; its shader: matmulShader.ts. Weight formats: the matmul family's.
import { type Batch, grid } from '../gpu.ts';
import { params } from '../params.ts';
import type { Tensor } from '../tensor.ts';
import { formatConstants, matmulNaiveShader, weightBuffers } from './matmulShader.ts';

const WG = 64;

/** y (M, N) = x (M, K) · Wᵀ for a weight (N, K) in any engine dtype. */
export function matmulNaive(b: Batch, x: Tensor, w: Tensor): Tensor {
  if (x.dtype !== 'f32' || x.shape.length !== 2) throw new RangeError(`matmulNaive: x must be f32 (M, K), got ${x.dtype} [${x.shape}]`);
  const [M, K] = x.shape;
  if (w.shape.length !== 2 || w.shape[1] !== K) throw new RangeError(`matmulNaive: x has K=${K} but the weight is [${w.shape}] (N, K)`);
  const N = w.shape[0];
  const y = b.gpu.empty([M, N], 'f32', 'matmulNaive.out'); // (M, N)
  const g = grid(Math.ceil((M * N) / WG), b.gpu.limits.maxComputeWorkgroupsPerDimension);
  const u = params().u32(M).u32(N).u32(K).u32(g[0]).build();
  const shader = matmulNaiveShader(w.dtype);
  b.dispatch({ shader, constants: { WG, ...formatConstants(w) } }, u, [x.data, ...weightBuffers(w), y.data], g);
  return y;
}
