// The naive baseline for eulerStep (bench only): unfused scale-then-add through a temporary. See
// bench/naive/euler_step_naive.wgsl.
import { type Batch, grid } from '../../src/engine/gpu.ts';
import { params } from '../../src/engine/params.ts';
import type { Tensor } from '../../src/engine/tensor.ts';
import { fileShader } from '../../src/engine/compose.ts';
import code from './euler_step_naive.wgsl?raw';

export const eulerStepNaiveShader = fileShader('euler_step_naive', code);

const WG = 64;

/** z += dt * v in place, in two passes; `tmp` is an f32 scratch tensor of z's size. */
export function eulerStepNaive(b: Batch, z: Tensor, v: Tensor, dt: number, tmp: Tensor): void {
  if (z.numel !== v.numel || tmp.numel < z.numel) throw new RangeError('eulerStepNaive: z, v and tmp sizes differ');
  const g = grid(Math.ceil(z.numel / WG), b.gpu.limits.maxComputeWorkgroupsPerDimension);
  const u = params().u32(z.numel).f32(dt).u32(g[0] * WG).build();
  b.dispatch({ shader: eulerStepNaiveShader, entryPoint: 'scale', constants: { WG } }, u, [v.data, tmp.data], g); // tmp = dt * v
  b.dispatch({ shader: eulerStepNaiveShader, entryPoint: 'add', constants: { WG } }, u, [tmp.data, z.data], g); // z += tmp
}
