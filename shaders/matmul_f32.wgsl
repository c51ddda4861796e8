// matmul weight format f32 (template: `instantiate` in src/engine/compose.ts
// replaces WT with the weight's name, w0 or w1).
// Binding WT_data: array<f32>, W (N, K) row-major. Callers keep n < N and k < K for WT_at; WT_chunk zero-fills
// past K (any K, odd included, so rows need not be aligned: scalar loads).
fn WT_at(n: u32, k: u32) -> f32 {
  return WT_data[n * p.K + k];
}

/// W[n, k .. k+8] as two vec4 (k a multiple of 8).
fn WT_chunk(n: u32, k: u32) -> mat2x4<f32> {
  let base = n * p.K + k;
  if (k + 8u <= p.K) {
    return mat2x4<f32>(WT_data[base], WT_data[base + 1u], WT_data[base + 2u], WT_data[base + 3u],
                       WT_data[base + 4u], WT_data[base + 5u], WT_data[base + 6u], WT_data[base + 7u]);
  }
  var v = mat2x4<f32>();
  for (var i = 0u; i < 8u; i++) {
    if (k + i < p.K) { v[i / 4u][i % 4u] = WT_data[base + i]; }
  }
  return v;
}
