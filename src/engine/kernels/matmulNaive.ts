// The naive matmul y = x · Wᵀ (one output per invocation), kept as the benchmark baseline for matmul.ts.
// Bindings and dispatch: shaders/matmul_naive.wgsl. Weight formats: those of the matmul family (f32, f16, q4, q8).
import body from '../../../shaders/matmul_naive.wgsl?raw';
import { type Batch, grid } from '../gpu.ts';
import { params } from '../params.ts';
import type { Tensor } from '../tensor.ts';
import { bindingBlock, formatConstants, formatSource, weightDecls } from './matmul.ts';

const WG = 64;
const PARAMS = 'struct Params { M: u32, N: u32, K: u32, gx: u32 }';

/** y (M, N) = x (M, K) · Wᵀ for a weight (N, K) in any engine dtype. */
export function matmulNaive(b: Batch, x: Tensor, w: Tensor): Tensor {
  if (x.dtype !== 'f32' || x.shape.length !== 2) throw new RangeError(`matmulNaive: x must be f32 (M, K), got ${x.dtype} [${x.shape}]`);
  const [M, K] = x.shape;
  if (w.shape.length !== 2 || w.shape[1] !== K) throw new RangeError(`matmulNaive: x has K=${K} but the weight is [${w.shape}] (N, K)`);
  const N = w.shape[0];
  const decls = [{ name: 'x', type: 'array<f32>', buffer: x.data }, ...weightDecls(w, 'w0')];
  const code = [bindingBlock(decls, PARAMS), formatSource(w.dtype, 'w0'), body].join('\n');
  const y = b.gpu.empty([M, N], 'f32', 'matmulNaive.out'); // (M, N)
  const g = grid(Math.ceil((M * N) / WG), b.gpu.limits.maxComputeWorkgroupsPerDimension);
  const u = params().u32(M).u32(N).u32(K).u32(g[0]).build();
  const spec = { name: `matmul_naive_${w.dtype}${w.paramType}`, code, constants: { WG, ...formatConstants(w) } };
  b.dispatch(spec, u, [...decls.map((d) => d.buffer), y.data], g);
  return y;
}
