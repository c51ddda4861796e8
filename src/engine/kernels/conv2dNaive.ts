// The naive direct convolution (one output per invocation), the benchmark baseline for conv2d.ts. Same API and
// validation as conv2d (without tile options). Bindings and dispatch: shaders/conv2d_naive.wgsl.
import code from '../../../shaders/conv2d_naive.wgsl?raw';
import { fileShader } from '../compose.ts';
import { type Batch, grid } from '../gpu.ts';
import { params } from '../params.ts';
import type { Tensor } from '../tensor.ts';
import { type Conv2dPadding, convGeometry } from './conv2d.ts';

export const conv2dNaiveShader = fileShader('conv2d_naive', code);

const WG = 256;

export function conv2dNaive(
  b: Batch,
  x: Tensor, // (Cin, H, W)
  weight: Tensor, // (Cout, Cin, k, k) f32 or f16
  bias: Tensor, // (Cout)
  opts: { stride?: 1 | 2; padding?: Conv2dPadding; out?: Tensor } = {},
): Tensor {
  const g = convGeometry('conv2dNaive', x, weight, bias, opts.stride, opts.padding ?? 'same', false, opts.out);
  const total = g.cout * g.ho * g.wo; // outputs = invocations
  const wg = grid(Math.ceil(total / WG), b.gpu.limits.maxComputeWorkgroupsPerDimension);
  const y = opts.out ?? b.gpu.empty([g.cout, g.ho, g.wo], 'f32', 'conv2dNaive.out'); // (Cout, Ho, Wo)
  const u = params().u32(g.cin).u32(g.h).u32(g.w).u32(g.cout).u32(g.ho).u32(g.wo).u32(g.padT).u32(g.padL).u32(wg[0] * WG).build();
  const constants = { WG, KH: g.kh, KW: g.kw, S: g.stride, W_F16: g.wF16 ? 1 : 0 };
  b.dispatch({ shader: conv2dNaiveShader, constants }, u, [x.data, weight.data, bias.data, y.data], wg);
  return y;
}
