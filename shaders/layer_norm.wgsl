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
