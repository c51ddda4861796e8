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
