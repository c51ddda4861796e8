// GroupNorm (channels-first, batch 1) with optional fused SiLU. Bindings and dispatch: shaders/group_norm.wgsl.
// Three dispatches: per-chunk statistics (parallel over groups x chunks), a per-group merge, the elementwise apply.
import code from '../../../shaders/group_norm.wgsl?raw';
import type { Batch } from '../gpu.ts';
import { params } from '../params.ts';
import type { Tensor } from '../tensor.ts';
import { part as shaderPart, type Shader, shader } from '../compose.ts';
import { blockSumPart, type Reduction, reductionFor } from './blockSum.ts';

/** block_sum for `reduction`, then group_norm.wgsl (its three entry points share the module). */
export function groupNormShader(reduction: Reduction): Shader {
  return shader('group_norm', { reduction }, () => [blockSumPart(reduction), shaderPart('group_norm', code)]);
}

export interface GroupNormOptions {
  groups: number; // 32 in the VAE
  eps: number; // 1e-6 in the VAE
  weight: Tensor; // (C) f32
  bias: Tensor; // (C) f32
  silu?: boolean; // y = y * sigmoid(y) after the affine
  out?: Tensor; // (C, H, W) f32, must not alias x
  reduction?: Reduction; // forces the workgroup sum of the statistics (tests, bench); default: reductionFor(gpu)
}

const WG = 256; // threads per workgroup, a power of two (tree reductions)
const PER = 4; // elements per thread in apply (matches the shader's const)
const MIN_CHUNK = 4096; // elements per partial chunk: 16 per thread, enough work to hide the reduction
const MAX_CHUNKS = 512; // partials per group; beyond this chunks grow instead (the merge pass stays small)

/** Chunking of one group's n elements for the partial-statistics pass. */
export function groupNormChunks(n: number): { chunk: number; p: number } {
  const chunk = Math.max(MIN_CHUNK, Math.ceil(n / MAX_CHUNKS)); // elements
  return { chunk, p: Math.ceil(n / chunk) };
}

export function groupNorm(b: Batch, x: Tensor, opts: GroupNormOptions): Tensor {
  const { groups, eps, weight, bias } = opts;
  if (x.dtype !== 'f32' || x.shape.length !== 3) throw new RangeError(`groupNorm: x must be f32 (C, H, W), got ${x.dtype} [${x.shape}]`);
  const [c, h, w] = x.shape;
  if (!Number.isInteger(groups) || groups < 1 || c % groups !== 0)
    throw new RangeError(`groupNorm: ${c} channels cannot be split into ${groups} groups`);
  if (!(eps >= 0 && Number.isFinite(eps))) throw new RangeError(`groupNorm: eps must be finite and >= 0, got ${eps}`);
  for (const [name, t] of [['weight', weight], ['bias', bias]] as const)
    if (t.dtype !== 'f32' || t.shape.length !== 1 || t.shape[0] !== c)
      throw new RangeError(`groupNorm: ${name} must be f32 (${c}), got ${t.dtype} [${t.shape}]`);
  const out = opts.out;
  if (out) {
    if (out.dtype !== 'f32' || out.shape.length !== 3 || out.shape.some((d, i) => d !== x.shape[i]))
      throw new RangeError(`groupNorm: out must be f32 [${x.shape}], got ${out.dtype} [${out.shape}]`);
    if (out.data === x.data || out.data === weight.data || out.data === bias.data)
      throw new RangeError('groupNorm: out must not alias x, weight or bias (WebGPU cannot bind one buffer as read and read_write)');
  }
  const hw = h * w; // elements per channel
  const cpg = c / groups;
  const n = cpg * hw; // elements per group
  const { chunk, p } = groupNormChunks(n);
  const maxDim = b.gpu.limits.maxComputeWorkgroupsPerDimension;
  const applyX = Math.ceil(hw / (WG * PER));
  if (groups > maxDim || c > maxDim || applyX > maxDim)
    throw new RangeError(`groupNorm: [${x.shape}] exceeds the dispatch limit of ${maxDim} workgroups per dimension`);

  const u = params().u32(c).u32(hw).u32(cpg).u32(n).u32(chunk).u32(p).f32(eps).build();
  // SILU only specialises apply: the statistics pipelines are shared by both variants. All three entry points
  // come from one module, composed with the chosen block_sum (only partial calls it).
  const kernel = groupNormShader(reductionFor(b.gpu, opts.reduction));
  const spec = (entryPoint: string, constants: Record<string, number> = { WG }) => ({ shader: kernel, entryPoint, constants });
  const part = b.gpu.empty([groups, p, 2], 'f32', 'groupNorm.partials'); // (G, P, 2): chunk mean, chunk M2
  const stats = b.gpu.empty([groups, 2], 'f32', 'groupNorm.stats'); // (G, 2): mean, rstd
  const y = out ?? b.gpu.empty([c, h, w], 'f32', 'groupNorm.out'); // (C, H, W)
  b.dispatch(spec('partial'), u, [x.data, part.data], [p, groups, 1]);
  b.dispatch(spec('combine'), u, [part.data, stats.data], [groups, 1, 1]);
  b.dispatch(spec('apply', { WG, SILU: opts.silu ? 1 : 0 }), u, [x.data, stats.data, weight.data, bias.data, y.data], [applyX, c, 1]);
  // Safe to release while recording: later dispatches that reuse these buffers run after the ones above.
  part.release();
  stats.release();
  return y;
}
