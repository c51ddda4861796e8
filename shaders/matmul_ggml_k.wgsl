// matmul weight formats: ggml's 256-element K-quant blocks Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, read as stored
// (template: WT -> w0 / w1, composed after matmul_ggml_bytes.wgsl; matmulShader.ts adds WT_chunk calling the
// weight type's function). W (N, K), K a multiple of 256, row n = K / 256 blocks back to back (formats.ts).
// Byte layout of one block (ggml-common.h; d, dmin: IEEE half) and the value of element e (0..255), ggml's
// dequantize_row_* in f32 (its loops, unrolled to closed form: e = 128 h + 32 j + l, j = 0..3, l = 0..31):
//   Q2_K  (84 B): scales[16] @0, qs[64] @16, d @80, dmin @82
//                 sc = scales[e / 16], q = qs[32 h + l] >> 2j & 3         x = d (sc & 15) · q - dmin (sc >> 4)
//   Q3_K (110 B): hmask[32] @0, qs[64] @32, scales[12] @96, d @108
//                 q = (qs[32 h + l] >> 2j & 3) - (bit e / 32 of hmask[l] ? 0 : 4),
//                 sc = 6-bit scale e / 16 of the 12 packed bytes (s: low 4 bits in byte s % 8 at bit 4 (s / 8),
//                 high 2 bits in byte 8 + s % 4 at bit 2 (s / 4)) - 32              x = d (sc) · q
//   Q4_K (144 B): d @0, dmin @2, scales[12] @4, qs[128] @16
//                 sub-block t = e / 32, (sc, m) = ggml's get_scale_min_k4(t), q = nibble (t & 1) of qs[32 (t / 2) + l]
//                                                                                x = d sc · q - dmin m
//   Q5_K (176 B): d @0, dmin @2, scales[12] @4, qh[32] @16, qs[128] @48
//                 as Q4_K with q += 16 · (bit t of qh[l])
//   Q6_K (210 B): ql[128] @0, qh[64] @128, scales[16] int8 @192, d @208
//                 q = (nibble (j / 2) of ql[64 h + 32 (j & 1) + l]) | (qh[32 h + l] >> 2j & 3) << 4,
//                 sc = scales[e / 16]                                            x = d sc · (q - 32)
// Each function returns W[n, k .. k+8] (k a multiple of 8: one sub-block of 16, one scale, 8 consecutive l).

/// ggml's get_scale_min_k4: the 6-bit (scale, min) of sub-block t (0..7) from the 12 bytes at byte s.
fn WT_scale_min_k4(s: u32, t: u32) -> vec2<f32> {
  if (t < 4u) { return vec2<f32>(f32(WT_u8(s + t) & 63u), f32(WT_u8(s + t + 4u) & 63u)); }
  let hi = WT_u8(s + t + 4u);
  return vec2<f32>(f32((hi & 15u) | ((WT_u8(s + t - 4u) >> 6u) << 4u)), f32((hi >> 4u) | ((WT_u8(s + t) >> 6u) << 4u)));
}

fn WT_q2_k_chunk(n: u32, k: u32) -> mat2x4<f32> {
  let b = WT_block(n, k, 256u, 84u);
  let e = k % 256u;
  let sc = WT_u8(b + e / 16u);
  let dl = WT_f16(b + 80u) * f32(sc & 15u);
  let ml = WT_f16(b + 82u) * f32(sc >> 4u);
  let q = WT_u64(b + 16u + (e / 128u) * 32u + e % 32u);
  let s = 2u * ((e / 32u) % 4u);
  return mat2x4<f32>(vec4<f32>(WT_fields(q.x, s, 3u)) * dl - ml, vec4<f32>(WT_fields(q.y, s, 3u)) * dl - ml);
}

fn WT_q3_k_chunk(n: u32, k: u32) -> mat2x4<f32> {
  let b = WT_block(n, k, 256u, 110u);
  let e = k % 256u;
  let t = e / 16u; // scale index
  let low = (WT_u8(b + 96u + t % 8u) >> (4u * (t / 8u))) & 15u;
  let high = (WT_u8(b + 104u + t % 4u) >> (2u * (t / 4u))) & 3u;
  let dl = WT_f16(b + 108u) * f32(i32(low | (high << 4u)) - 32);
  let q = WT_u64(b + 32u + (e / 128u) * 32u + e % 32u);
  let s = 2u * ((e / 32u) % 4u);
  let h = WT_u64(b + e % 32u); // hmask: bit e / 32 set = no -4
  let hb = e / 32u;
  let lo = vec4<i32>(WT_fields(q.x, s, 3u)) - 4 * (1 - vec4<i32>(WT_fields(h.x, hb, 1u)));
  let hi = vec4<i32>(WT_fields(q.y, s, 3u)) - 4 * (1 - vec4<i32>(WT_fields(h.y, hb, 1u)));
  return mat2x4<f32>(vec4<f32>(lo) * dl, vec4<f32>(hi) * dl);
}

fn WT_q4_k_chunk(n: u32, k: u32) -> mat2x4<f32> {
  let b = WT_block(n, k, 256u, 144u);
  let e = k % 256u;
  let t = e / 32u;
  let sm = WT_scale_min_k4(b + 4u, t);
  let dl = WT_f16(b) * sm.x;
  let ml = WT_f16(b + 2u) * sm.y;
  let q = WT_u64(b + 16u + (t / 2u) * 32u + e % 32u);
  let s = 4u * (t & 1u);
  return mat2x4<f32>(vec4<f32>(WT_fields(q.x, s, 15u)) * dl - ml, vec4<f32>(WT_fields(q.y, s, 15u)) * dl - ml);
}

fn WT_q5_k_chunk(n: u32, k: u32) -> mat2x4<f32> {
  let b = WT_block(n, k, 256u, 176u);
  let e = k % 256u;
  let t = e / 32u;
  let sm = WT_scale_min_k4(b + 4u, t);
  let dl = WT_f16(b) * sm.x;
  let ml = WT_f16(b + 2u) * sm.y;
  let q = WT_u64(b + 48u + (t / 2u) * 32u + e % 32u);
  let h = WT_u64(b + 16u + e % 32u);
  let s = 4u * (t & 1u);
  let lo = WT_fields(q.x, s, 15u) | (WT_fields(h.x, t, 1u) << vec4<u32>(4u));
  let hi = WT_fields(q.y, s, 15u) | (WT_fields(h.y, t, 1u) << vec4<u32>(4u));
  return mat2x4<f32>(vec4<f32>(lo) * dl - ml, vec4<f32>(hi) * dl - ml);
}

fn WT_q6_k_chunk(n: u32, k: u32) -> mat2x4<f32> {
  let b = WT_block(n, k, 256u, 210u);
  let e = k % 256u;
  let h = e / 128u;
  let j = (e / 32u) % 4u;
  let sc = bitcast<i32>(WT_u8(b + 192u + e / 16u) << 24u) >> 24u;
  let dl = WT_f16(b + 208u) * f32(sc);
  let ql = WT_u64(b + 64u * h + 32u * (j & 1u) + e % 32u);
  let qh = WT_u64(b + 128u + 32u * h + e % 32u);
  let s = 4u * (j / 2u);
  let lo = vec4<i32>(WT_fields(ql.x, s, 15u) | (WT_fields(qh.x, 2u * j, 3u) << vec4<u32>(4u))) - 32;
  let hi = vec4<i32>(WT_fields(ql.y, s, 15u) | (WT_fields(qh.y, 2u * j, 3u) << vec4<u32>(4u))) - 32;
  return mat2x4<f32>(dl * vec4<f32>(lo), dl * vec4<f32>(hi));
}
