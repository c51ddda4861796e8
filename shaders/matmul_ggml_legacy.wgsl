// matmul weight formats: ggml's 32-element blocks Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, read as stored (template: WT ->
// w0 / w1, composed after matmul_ggml_bytes.wgsl; matmulShader.ts adds WT_chunk calling the type's function).
// W (N, K), K a multiple of 32, row n = K / 32 blocks back to back (formats.ts). Byte layout of one block
// (ggml-common.h; d, m: IEEE half; qh: u32 little-endian; qs: 16 bytes, element j < 16 the low nibble of qs[j],
// element j + 16 its high nibble; Q8_0 qs: 32 int8) and the value, ggml's dequantize_row_* in f32:
//   Q4_0 (18 B): d @0, qs @2                x = (q - 8) · d
//   Q4_1 (20 B): d @0, m @2, qs @4          x = q · d + m
//   Q5_0 (22 B): d @0, qh @2, qs @6         x = ((q | bit j of qh << 4) - 16) · d
//   Q5_1 (24 B): d @0, m @2, qh @4, qs @8   x = (q | bit j of qh << 4) · d + m
//   Q8_0 (34 B): d @0, qs @2                x = q · d
// Each function returns W[n, k .. k+8] (k a multiple of 8, so the chunk lies in one block and one nibble half).

/// The 8 nibbles of W[n, k .. k+8] from the 16 qs bytes at byte qs: low nibbles for e < 16, high ones above.
fn WT_nibbles(qs: u32, e: u32) -> array<vec4<u32>, 2> {
  let q = WT_u64(qs + (e & 15u));
  let s = (e >> 4u) * 4u;
  return array<vec4<u32>, 2>(WT_fields(q.x, s, 15u), WT_fields(q.y, s, 15u));
}

/// Bits e .. e+8 of the u32 qh, each as 0 or 16 (the fifth bit of Q5_0 / Q5_1).
fn WT_high5(qh: u32, e: u32) -> array<vec4<u32>, 2> {
  let lo = ((vec4<u32>(qh) >> (vec4<u32>(0u, 1u, 2u, 3u) + e)) & vec4<u32>(1u)) << vec4<u32>(4u);
  let hi = ((vec4<u32>(qh) >> (vec4<u32>(4u, 5u, 6u, 7u) + e)) & vec4<u32>(1u)) << vec4<u32>(4u);
  return array<vec4<u32>, 2>(lo, hi);
}

fn WT_q4_0_chunk(n: u32, k: u32) -> mat2x4<f32> {
  let b = WT_block(n, k, 32u, 18u);
  let d = WT_f16(b);
  let q = WT_nibbles(b + 2u, k % 32u);
  return mat2x4<f32>((vec4<f32>(q[0]) - 8.0) * d, (vec4<f32>(q[1]) - 8.0) * d);
}

fn WT_q4_1_chunk(n: u32, k: u32) -> mat2x4<f32> {
  let b = WT_block(n, k, 32u, 20u);
  let d = WT_f16(b);
  let m = WT_f16(b + 2u);
  let q = WT_nibbles(b + 4u, k % 32u);
  return mat2x4<f32>(vec4<f32>(q[0]) * d + m, vec4<f32>(q[1]) * d + m);
}

fn WT_q5_0_chunk(n: u32, k: u32) -> mat2x4<f32> {
  let b = WT_block(n, k, 32u, 22u);
  let e = k % 32u;
  let d = WT_f16(b);
  let h = WT_high5(WT_u32(b + 2u), e);
  let q = WT_nibbles(b + 6u, e);
  return mat2x4<f32>((vec4<f32>(q[0] | h[0]) - 16.0) * d, (vec4<f32>(q[1] | h[1]) - 16.0) * d);
}

fn WT_q5_1_chunk(n: u32, k: u32) -> mat2x4<f32> {
  let b = WT_block(n, k, 32u, 24u);
  let e = k % 32u;
  let d = WT_f16(b);
  let m = WT_f16(b + 2u);
  let h = WT_high5(WT_u32(b + 4u), e);
  let q = WT_nibbles(b + 8u, e);
  return mat2x4<f32>(vec4<f32>(q[0] | h[0]) * d + m, vec4<f32>(q[1] | h[1]) * d + m);
}

fn WT_q8_0_chunk(n: u32, k: u32) -> mat2x4<f32> {
  let b = WT_block(n, k, 32u, 34u);
  let d = WT_f16(b);
  let q = WT_u64(b + 2u + k % 32u);
  return mat2x4<f32>(vec4<f32>(WT_i8x4(q.x)) * d, vec4<f32>(WT_i8x4(q.y)) * d);
}
