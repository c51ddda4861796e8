// rms_norm[reduction=plain]
// parts: block_sum, row_norm_io, rms_norm
// ---- part: block_sum
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

// ---- part: rms_norm
// rms_norm: y = x / sqrt(mean(x^2) + eps) * w * (1 + s[g(m)]), over the rows of x, one workgroup per row.
// Layout: x, y f32 (M, D) row-major; w f32 (D); s f32 (G, S), row g read at s[g*S + s_off + d]; sel u32 (M) holding
//   the integer group g(m) of row m (g = 0 without a selector, clamped to G-1).
// Bindings 0..4 (params, x, y, s, sel) and the variant switches: row_norm_io.wgsl, the part before this one (rowNorm.ts); 5 w.
// Dispatch: M workgroups of WG threads (a power of two), folded into (x, y) by grid(). Each thread strides the
//   row by WG; block_sum sums the squares. In place is race-free: every thread writes only the elements it read
//   itself, after the reduction's barriers.
// Composed (rowNorm.ts, src/engine/compose.ts) after block_sum.wgsl (workgroup tree) or block_sum_subgroups.wgsl
//   (subgroupAdd, where the device has `subgroups`): those declare block_sum(lid, v) and its workgroup memory.
override HAS_WEIGHT: bool = false;
@group(0) @binding(5) var<storage, read> w: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let row = wid.x + wid.y * nwg.x;
  if (row >= p.rows) { return; }
  let base = row * p.cols;
  var ss = 0.0;
  for (var c = lid; c < p.cols; c += WG) {
    let v = x[base + c];
    ss += v * v;
  }
  let r = inverseSqrt(block_sum(lid, ss) / f32(p.cols) + p.eps);
  var sbase = p.s_off;
  if (HAS_SEL) { sbase += min(sel[row], p.groups - 1u) * p.s_stride; }
  for (var c = lid; c < p.cols; c += WG) {
    var v = x[base + c] * r;
    if (HAS_WEIGHT) { v = v * w[c]; }
    if (HAS_SCALE) { v = v * (1.0 + s[sbase + c]); }
    if (IN_PLACE) { x[base + c] = v; } else { y[base + c] = v; }
  }
}
