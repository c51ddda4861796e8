// The workgroup sum of the row reductions (rms_norm, layer_norm, group_norm's statistics), in two texts: the tree
// of shaders/block_sum.wgsl and the subgroupAdd version of shaders/block_sum_subgroups.wgsl (`enable subgroups;`,
// which does not compile on a device without the feature). This picks one per device and composes it with a
// kernel's source, under a name of its own so both variants can sit in one pipeline cache.
import plain from '../../../shaders/block_sum.wgsl?raw';
import subgroups from '../../../shaders/block_sum_subgroups.wgsl?raw';
import type { Gpu } from '../gpu.ts';
import type { KernelSpec } from '../pipelines.ts';

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

// kernel source -> module source, per reduction; built once (keyed by the imported string, not a new one per call)
const composed: Record<Reduction, Map<string, string>> = { plain: new Map(), subgroups: new Map() };

/** Name and code of `name`'s kernel with block_sum from `r` (the subgroup variant is named `<name>+subgroups`). */
export function withBlockSum(name: string, code: string, r: Reduction): Pick<KernelSpec, 'name' | 'code'> {
  let full = composed[r].get(code);
  if (full === undefined) {
    // The reduction goes first: `enable` must precede every declaration (module scope is order-free otherwise).
    full = `${r === 'subgroups' ? subgroups : plain}\n${code}`;
    composed[r].set(code, full);
  }
  return { name: r === 'subgroups' ? `${name}+subgroups` : name, code: full };
}
