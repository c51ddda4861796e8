// block_sum (plain): the workgroup sum shared by the row reductions (rms_norm, layer_norm, group_norm's partial
// pass). Not a kernel: a part that src/engine/kernels/blockSum.ts puts first in a kernel's shader, which declares
// `override WG: u32` (a power of two) and calls block_sum from uniform control flow. The subgroup variant with
// the same signature is block_sum_subgroups.wgsl; this one is for devices without the `subgroups` feature.
// A tree in workgroup memory: log2(WG) halving steps, one barrier each.
var<workgroup> red: array<f32, WG>;

// Sum of v over the workgroup; every thread gets the result. Ends with a barrier so `red` can be reused.
fn block_sum(lid: u32, v: f32) -> f32 {
  red[lid] = v;
  workgroupBarrier();
  for (var k = WG / 2u; k > 0u; k = k / 2u) {
    if (lid < k) { red[lid] = red[lid] + red[lid + k]; }
    workgroupBarrier();
  }
  let total = red[0];
  workgroupBarrier();
  return total;
}
