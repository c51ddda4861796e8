// Flow-match Euler step, in place: z += dt * v. Bindings and dispatch: shaders/euler_step.wgsl.
import code from '../../../shaders/euler_step.wgsl?raw';
import { fileShader } from '../compose.ts';
import { type Batch, grid } from '../gpu.ts';
import { params } from '../params.ts';
import type { Tensor } from '../tensor.ts';

export const eulerStepShader = fileShader('euler_step', code);

const WG = 256;

export function eulerStep(b: Batch, z: Tensor, v: Tensor, dt: number): void {
  if (z.numel !== v.numel || z.dtype !== 'f32' || v.dtype !== 'f32') throw new RangeError('eulerStep: z and v must be f32 of the same size');
  const g = grid(Math.ceil(z.numel / WG), b.gpu.limits.maxComputeWorkgroupsPerDimension);
  const u = params().u32(z.numel).f32(dt).u32(g[0] * WG).build();
  b.dispatch({ shader: eulerStepShader, constants: { WG } }, u, [z.data, v.data], g);
}
