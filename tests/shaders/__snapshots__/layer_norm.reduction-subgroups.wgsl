// layer_norm[reduction=subgroups]
// parts: block_sum_subgroups, row_norm_io, layer_norm
// ---- part: block_sum_subgroups
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

// ---- part: row_norm_io
// row_norm_io: what rms_norm.wgsl and layer_norm.wgsl share, the part before each (src/engine/kernels/rowNorm.ts):
// the variant switches, the uniform block and the bindings 0 params, 1 x (read_write: in place when IN_PLACE),
// 2 y (read_write), 3 s, 4 sel (read). Inputs a variant does not read are bound to a placeholder: layout 'auto'
// keeps every binding the code names. A kernel's own inputs follow from binding 5.
override WG: u32 = 256;
override HAS_SCALE: bool = false;
override HAS_SEL: bool = false;
override IN_PLACE: bool = false;

struct Params {
  rows: u32,
  cols: u32,
  eps: f32,
  s_stride: u32, // elements between rows of s
  s_off: u32, // elements, column offset into a row of s
  groups: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<storage, read> s: array<f32>;
@group(0) @binding(4) var<storage, read> sel: array<u32>;

// ---- part: layer_norm
// layer_norm (no affine): y = (x - mean) / sqrt(var + eps) * (1 + s[g(m)]), over the rows of x, one workgroup per
// row. var is the biased variance, as torch.nn.LayerNorm(elementwise_affine=False) (Z-Image FinalLayer, eps 1e-6).
// Layout: x, y f32 (M, D) row-major; s f32 (G, S), row g read at s[g*S + s_off + d]; sel u32 (M) holding the integer
//   group g(m) of row m (g = 0 without a selector, clamped to G-1).
// Bindings 0..4 (params, x, y, s, sel) and the variant switches: row_norm_io.wgsl, the part before this one (rowNorm.ts).
// Dispatch: M workgroups of WG threads (a power of two), folded into (x, y) by grid(). Two reductions (mean, then
//   the squared deviations: no cancellation as with sum(x^2) - mean^2); the row is re-read from memory each time.
// Composed (rowNorm.ts, src/engine/compose.ts) after block_sum.wgsl (workgroup tree) or block_sum_subgroups.wgsl
//   (subgroupAdd, where the device has `subgroups`): those declare block_sum(lid, v) and its workgroup memory.
@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let row = wid.x + wid.y * nwg.x;
  if (row >= p.rows) { return; }
  let base = row * p.cols;
  let n = f32(p.cols);
  var sum = 0.0;
  for (var c = lid; c < p.cols; c += WG) { sum += x[base + c]; }
  let mean = block_sum(lid, sum) / n;
  var dev = 0.0;
  for (var c = lid; c < p.cols; c += WG) {
    let d = x[base + c] - mean;
    dev += d * d;
  }
  let r = inverseSqrt(block_sum(lid, dev) / n + p.eps);
  var sbase = p.s_off;
  if (HAS_SEL) { sbase += min(sel[row], p.groups - 1u) * p.s_stride; }
  for (var c = lid; c < p.cols; c += WG) {
    var v = (x[base + c] - mean) * r;
    if (HAS_SCALE) { v = v * (1.0 + s[sbase + c]); }
    if (IN_PLACE) { x[base + c] = v; } else { y[base + c] = v; }
  }
}
