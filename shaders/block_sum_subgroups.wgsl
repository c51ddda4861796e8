// block_sum (subgroups): the same workgroup sum as block_sum.wgsl, for devices with the `subgroups` feature.
// src/engine/kernels/blockSum.ts makes this the first part of a kernel's shader: `enable` must open the module, and
// a module with it fails to compile on a device without the feature, hence a separate text rather than a switch.
// Why: the plain tree crosses log2(WG) barriers; here each subgroup sums its lanes in registers (subgroupAdd) and
// the workgroup crosses two barriers whatever WG is.
// How:
//   1. s = subgroupAdd(v); the subgroup's lowest local index `first` stores s at slot[first]. WGSL (like Vulkan)
//      defines no relation between local_invocation_index and subgroup membership, so lid / subgroup_size is not
//      a safe compact slot; `first` is unique per subgroup whatever the mapping. Slots no subgroup owns stay 0:
//      WebGPU zero-fills workgroup memory and the subgroups, hence the owned slots, are fixed for the dispatch.
//   2. barrier; every subgroup sums all WG slots (lane-strided, WG / lanes loads per lane, then subgroupAdd), so
//      every thread gets the total with no broadcast step, in an order that does not depend on scheduling (no
//      atomics: the result is deterministic). Correct for any subgroup size 4..128, full or not.
//   3. barrier, so the slots can be rewritten by the next call.
// Called from uniform control flow only (subgroup operations and barriers require it); a caller's early return on
// a workgroup-uniform condition (its row past the end) keeps that.
enable subgroups;

var<workgroup> sg_part: array<f32, WG>; // partial of each subgroup at its lowest local index, 0 elsewhere

// Sum of v over the workgroup; every thread gets the result. Ends with a barrier so the slots can be reused.
fn block_sum(lid: u32, v: f32) -> f32 {
  let s = subgroupAdd(v);
  let first = subgroupMin(lid);
  if (lid == first) { sg_part[lid] = s; }
  workgroupBarrier();
  let lane = subgroupExclusiveAdd(1u); // 0 .. lanes - 1
  let lanes = subgroupAdd(1u);
  var t = 0.0;
  for (var i = lane; i < WG; i += lanes) { t += sg_part[i]; }
  let total = subgroupAdd(t);
  workgroupBarrier();
  return total;
}
