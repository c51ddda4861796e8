// The workgroup sum of the row reductions (rms_norm, layer_norm, group_norm's statistics), in two texts: the tree
// of shaders/block_sum.wgsl and the subgroupAdd version of shaders/block_sum_subgroups.wgsl (`enable subgroups;`,
// which does not compile on a device without the feature). This picks one per device; kernels put it first
// among their parts (compose.ts) and name the choice `reduction` in their shader keys.
import plain from '../../../shaders/block_sum.wgsl?raw';
import subgroups from '../../../shaders/block_sum_subgroups.wgsl?raw';
import type { Gpu } from '../gpu.ts';
import { part, type ShaderPart } from '../compose.ts';

export type Reduction = 'plain' | 'subgroups';

/**
 * The reduction a kernel uses on `gpu`: `force` if given (tests, bench), else the subgroup one wherever the device
 * has `subgroups`, whatever the subgroup size. Even at SwiftShader's 4 lanes, where a subgroup saves only two of a
 * 64-thread tree's six levels, dropping the other barriers wins (`npm run bench -- --filter rms_norm,layer_norm`,
 * medians of 4 to 7 noisy runs, plain -> subgroups: rms_norm 256x3840 35 -> 26 ms, 1024x128 (QK-norm) 52 -> 25 ms,
 * layer_norm 256x3840 41 -> 32 ms; group_norm 128x64x64 58 -> 44 ms timed interleaved). Wider subgroups of real
 * GPUs (32, 64 lanes) remove more of the tree, so no size threshold.
 */
export function reductionFor(gpu: Gpu, force?: Reduction): Reduction {
  if (force === 'subgroups' && !gpu.features.subgroups)
    throw new RangeError('block_sum: the subgroup reduction needs a device with the `subgroups` feature');
  return force ?? (gpu.features.subgroups ? 'subgroups' : 'plain');
}

const PARTS: Record<Reduction, ShaderPart> = { plain: part('block_sum', plain), subgroups: part('block_sum_subgroups', subgroups) };

/** The block_sum part for `r`, placed first in a kernel's shader (`enable subgroups;` must open the source). */
export function blockSumPart(r: Reduction): ShaderPart {
  return PARTS[r];
}
