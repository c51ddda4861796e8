// group_norm[reduction=subgroups]
// parts: block_sum_subgroups, group_norm
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

// ---- part: group_norm
// group_norm: GroupNorm over (C, H, W) with an optional fused SiLU, in three passes so the reduction is parallel.
//   y[c, i] = (x[c, i] - mean[g]) * rstd[g] * weight[c] + bias[c],   g = c / (C / G),  rstd = 1 / sqrt(var + eps)
//   (biased variance, as torch.nn.GroupNorm); SILU: y = y * sigmoid(y).
// Layout: x, out f32 (C, H, W) channels-first; weight, bias f32 (C). A group's C/G channels are one contiguous
//   range of n = (C/G)*H*W elements, split into P chunks of `chunk` elements.
// Passes (entry points; each has its own bindings, numbered from 1 after the params):
//   partial: bindings 1 x (read), 2 part (rw, (G, P, 2) = chunk mean, chunk M2). Dispatch (P, G).
//            Each workgroup takes the two-pass statistics of its chunk: sum -> mean, then sum of squared
//            deviations (the second read hits the cache). No E[x^2] - E[x]^2 cancellation. The sums are
//            block_sum(lid, v), from block_sum.wgsl or block_sum_subgroups.wgsl (the part before
//            this one, picked by src/engine/kernels/blockSum.ts: the subgroup one where the device has `subgroups`).
//   combine: bindings 1 part (read), 2 stats (rw, (G, 2) = mean, rstd). Dispatch (G). Chan et al.'s pairwise
//            merge of the P chunk (count, mean, M2) triples, strided per thread then as a tree.
//   apply:   bindings 1 x, 2 stats, 3 weight, 4 bias (read), 5 out (rw). Dispatch (ceil(H*W / (WG*PER)), C):
//            one channel per workgroup row, so the per-channel scale is computed once.
override WG: u32 = 256;
override SILU: bool = false;
const PER: u32 = 4; // elements per thread in apply

struct Params {
  c: u32,
  hw: u32, // H*W
  cpg: u32, // channels per group
  n: u32, // elements per group = cpg * hw
  chunk: u32, // elements per partial chunk
  p: u32, // chunks per group
  eps: f32,
}

@group(0) @binding(0) var<uniform> prm: Params;

// ---- partial --------------------------------------------------------------------------------------------------
@group(0) @binding(1) var<storage, read> x_p: array<f32>;
@group(0) @binding(2) var<storage, read_write> part_w: array<f32>;

@compute @workgroup_size(WG)
fn partial(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid3: vec3<u32>) {
  let lid = lid3.x;
  let j = wid.x;
  let g = wid.y;
  let start = j * prm.chunk;
  let len = min(prm.chunk, prm.n - start);
  let base = g * prm.n + start;
  // Sum relative to the chunk's first element: a large common offset (mean >> std) then costs no precision.
  let pivot = x_p[base];
  var s = 0.0;
  for (var i = lid; i < len; i += WG) { s += x_p[base + i] - pivot; }
  let mean = pivot + block_sum(lid, s) / f32(len);
  var q = 0.0;
  for (var i = lid; i < len; i += WG) {
    let d = x_p[base + i] - mean;
    q = fma(d, d, q);
  }
  let m2 = block_sum(lid, q);
  if (lid == 0u) {
    part_w[(g * prm.p + j) * 2u] = mean;
    part_w[(g * prm.p + j) * 2u + 1u] = m2;
  }
}

// ---- combine --------------------------------------------------------------------------------------------------
@group(0) @binding(1) var<storage, read> part_r: array<f32>;
@group(0) @binding(2) var<storage, read_write> stats_w: array<f32>;

var<workgroup> cn: array<f32, WG>;
var<workgroup> cm: array<f32, WG>;
var<workgroup> cq: array<f32, WG>;

struct Moments { n: f32, mean: f32, m2: f32 }

// Chan, Golub & LeVeque: merge two (count, mean, M2) summaries without cancellation.
fn merge(a: Moments, b: Moments) -> Moments {
  let n = a.n + b.n;
  if (n == 0.0) { return a; }
  let d = b.mean - a.mean;
  let f = b.n / n;
  return Moments(n, a.mean + d * f, a.m2 + b.m2 + d * d * a.n * f);
}

@compute @workgroup_size(WG)
fn combine(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid3: vec3<u32>) {
  let lid = lid3.x;
  let g = wid.x;
  var acc = Moments(0.0, 0.0, 0.0);
  for (var j = lid; j < prm.p; j += WG) {
    let cnt = f32(min(prm.chunk, prm.n - j * prm.chunk));
    acc = merge(acc, Moments(cnt, part_r[(g * prm.p + j) * 2u], part_r[(g * prm.p + j) * 2u + 1u]));
  }
  cn[lid] = acc.n;
  cm[lid] = acc.mean;
  cq[lid] = acc.m2;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (lid < s) {
      let r = merge(Moments(cn[lid], cm[lid], cq[lid]), Moments(cn[lid + s], cm[lid + s], cq[lid + s]));
      cn[lid] = r.n;
      cm[lid] = r.mean;
      cq[lid] = r.m2;
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    stats_w[2u * g] = cm[0];
    stats_w[2u * g + 1u] = 1.0 / sqrt(max(cq[0], 0.0) / cn[0] + prm.eps);
  }
}

// ---- apply ----------------------------------------------------------------------------------------------------
@group(0) @binding(1) var<storage, read> x_a: array<f32>;
@group(0) @binding(2) var<storage, read> stats_r: array<f32>;
@group(0) @binding(3) var<storage, read> weight: array<f32>;
@group(0) @binding(4) var<storage, read> bias: array<f32>;
@group(0) @binding(5) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(WG)
fn apply(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid3: vec3<u32>) {
  let c = wid.y;
  let g = c / prm.cpg;
  let mean = stats_r[2u * g];
  let scale = stats_r[2u * g + 1u] * weight[c];
  let shift = bias[c];
  let base = c * prm.hw;
  let first = wid.x * WG * PER + lid3.x;
  for (var k = 0u; k < PER; k++) {
    let i = first + k * WG; // consecutive threads touch consecutive elements
    if (i >= prm.hw) { return; }
    // (x - mean) first: folding the mean into the shift (x*scale + (b - mean*scale)) cancels badly when rstd is
    // large, e.g. a near-constant group.
    var y = fma(x_a[base + i] - mean, scale, shift);
    if (SILU) { y = y / (1.0 + exp(-y)); }
    out[base + i] = y;
  }
}
