// matmul weight format f16 (template: `instantiate` in src/engine/compose.ts
// replaces WT with the weight's name, w0 or w1).
// Binding WT_data: array<u32>, W (N, K) row-major as IEEE halves, element i in word i/2 (low half first).
// With odd K a row starts mid-word, so the aligned 4-word path is taken only when the chunk starts on a word.
fn WT_half(i: u32) -> f32 {
  let h = unpack2x16float(WT_data[i >> 1u]);
  return select(h.x, h.y, (i & 1u) == 1u);
}

fn WT_at(n: u32, k: u32) -> f32 {
  return WT_half(n * p.K + k);
}

/// W[n, k .. k+8] as two vec4 (k a multiple of 8), zero past K.
fn WT_chunk(n: u32, k: u32) -> mat2x4<f32> {
  let base = n * p.K + k;
  if (k + 8u <= p.K && (base & 1u) == 0u) {
    let i = base >> 1u;
    let a = unpack2x16float(WT_data[i]);
    let b = unpack2x16float(WT_data[i + 1u]);
    let c = unpack2x16float(WT_data[i + 2u]);
    let d = unpack2x16float(WT_data[i + 3u]);
    return mat2x4<f32>(vec4<f32>(a, b), vec4<f32>(c, d));
  }
  var v = mat2x4<f32>();
  for (var i = 0u; i < 8u; i++) {
    if (k + i < p.K) { v[i / 4u][i % 4u] = WT_half(base + i); }
  }
  return v;
}
