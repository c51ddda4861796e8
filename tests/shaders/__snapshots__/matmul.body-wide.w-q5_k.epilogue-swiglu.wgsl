// matmul[body=wide,w=q5_k,epilogue=swiglu]
// parts: bindings, accessors, matmul_ggml_bytes<WT=w0>, matmul_ggml_k<WT=w0>, matmul_ggml_q5_k<WT=w0>, matmul_ggml_bytes<WT=w1>, matmul_ggml_k<WT=w1>, matmul_ggml_q5_k<WT=w1>, matmul_swiglu, matmul_wide
// ---- part: bindings
struct Params { M: u32, N: u32, K: u32, ldy: u32, col0: u32, gx: u32, G: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> w0_data: array<u32>;
@group(0) @binding(3) var<storage, read> w1_data: array<u32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;
// ---- part: accessors
fn gate_in(i: u32, v: f32) -> f32 { return v; }
fn up_in(i: u32, v: f32) -> f32 { return v; }
// ---- part: matmul_ggml_bytes<WT=w0>
// matmul ggml block weights: the byte reads shared by matmul_ggml_legacy.wgsl and matmul_ggml_k.wgsl (template:
// WT -> the weight's name, w0 or w1; matmulShader.ts adds w0_chunk / w0_at for the weight's type as a part).
// Binding w0_data: array<u32> holding the GGUF bytes of W's rows exactly as stored (src/engine/formats.ts): byte b
// is bits 8·(b % 4) .. +7 of word b / 4 (little-endian). No repacking: every ggml block size in bytes is even and
// every field (d, dmin, scales, qs, qh) sits at an even offset, so the reads below all take an even byte offset b:
// a 16-bit field never straddles a word, and 4 or 8 bytes are one or two words, or halves of two or three.
// Block b0 of row n starts at byte (n · K / BS + b0) · TS (BS elements, TS bytes per block: w0_block).

/// First byte of the block holding W[n, k], for blocks of `bs` elements and `ts` bytes.
fn w0_block(n: u32, k: u32, bs: u32, ts: u32) -> u32 {
  return (n * (p.K / bs) + k / bs) * ts;
}

/// The byte at b.
fn w0_u8(b: u32) -> u32 {
  return (w0_data[b >> 2u] >> ((b & 3u) * 8u)) & 255u;
}

/// The IEEE half at byte b (b even), exactly, as f32.
fn w0_f16(b: u32) -> f32 {
  return unpack2x16float(w0_data[b >> 2u] >> ((b & 2u) * 8u)).x;
}

/// The little-endian 32 bits at byte b (b even).
fn w0_u32(b: u32) -> u32 {
  let w = b >> 2u;
  if ((b & 2u) == 0u) { return w0_data[w]; }
  return (w0_data[w] >> 16u) | (w0_data[w + 1u] << 16u);
}

/// The 8 bytes at b (b even) as two words: bytes b .. b+3 and b+4 .. b+7.
fn w0_u64(b: u32) -> vec2<u32> {
  let w = b >> 2u;
  if ((b & 2u) == 0u) { return vec2<u32>(w0_data[w], w0_data[w + 1u]); }
  let a = w0_data[w];
  let c = w0_data[w + 1u];
  return vec2<u32>((a >> 16u) | (c << 16u), (c >> 16u) | (w0_data[w + 2u] << 16u));
}

/// The four bytes of `word`, each shifted right by s (< 8) and masked.
fn w0_fields(word: u32, s: u32, mask: u32) -> vec4<u32> {
  return (vec4<u32>(word) >> (vec4<u32>(0u, 8u, 16u, 24u) + s)) & vec4<u32>(mask);
}

/// The four bytes of `word` as signed int8.
fn w0_i8x4(word: u32) -> vec4<i32> {
  return bitcast<vec4<i32>>(vec4<u32>(word) << vec4<u32>(24u, 16u, 8u, 0u)) >> vec4<u32>(24u);
}

// ---- part: matmul_ggml_k<WT=w0>
// matmul weight formats: ggml's 256-element K-quant blocks Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, read as stored
// (template: WT -> w0 / w1, composed after matmul_ggml_bytes.wgsl; matmulShader.ts adds w0_chunk calling the
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
fn w0_scale_min_k4(s: u32, t: u32) -> vec2<f32> {
  if (t < 4u) { return vec2<f32>(f32(w0_u8(s + t) & 63u), f32(w0_u8(s + t + 4u) & 63u)); }
  let hi = w0_u8(s + t + 4u);
  return vec2<f32>(f32((hi & 15u) | ((w0_u8(s + t - 4u) >> 6u) << 4u)), f32((hi >> 4u) | ((w0_u8(s + t) >> 6u) << 4u)));
}

fn w0_q2_k_chunk(n: u32, k: u32) -> mat2x4<f32> {
  let b = w0_block(n, k, 256u, 84u);
  let e = k % 256u;
  let sc = w0_u8(b + e / 16u);
  let dl = w0_f16(b + 80u) * f32(sc & 15u);
  let ml = w0_f16(b + 82u) * f32(sc >> 4u);
  let q = w0_u64(b + 16u + (e / 128u) * 32u + e % 32u);
  let s = 2u * ((e / 32u) % 4u);
  return mat2x4<f32>(vec4<f32>(w0_fields(q.x, s, 3u)) * dl - ml, vec4<f32>(w0_fields(q.y, s, 3u)) * dl - ml);
}

fn w0_q3_k_chunk(n: u32, k: u32) -> mat2x4<f32> {
  let b = w0_block(n, k, 256u, 110u);
  let e = k % 256u;
  let t = e / 16u; // scale index
  let low = (w0_u8(b + 96u + t % 8u) >> (4u * (t / 8u))) & 15u;
  let high = (w0_u8(b + 104u + t % 4u) >> (2u * (t / 4u))) & 3u;
  let dl = w0_f16(b + 108u) * f32(i32(low | (high << 4u)) - 32);
  let q = w0_u64(b + 32u + (e / 128u) * 32u + e % 32u);
  let s = 2u * ((e / 32u) % 4u);
  let h = w0_u64(b + e % 32u); // hmask: bit e / 32 set = no -4
  let hb = e / 32u;
  let lo = vec4<i32>(w0_fields(q.x, s, 3u)) - 4 * (1 - vec4<i32>(w0_fields(h.x, hb, 1u)));
  let hi = vec4<i32>(w0_fields(q.y, s, 3u)) - 4 * (1 - vec4<i32>(w0_fields(h.y, hb, 1u)));
  return mat2x4<f32>(vec4<f32>(lo) * dl, vec4<f32>(hi) * dl);
}

fn w0_q4_k_chunk(n: u32, k: u32) -> mat2x4<f32> {
  let b = w0_block(n, k, 256u, 144u);
  let e = k % 256u;
  let t = e / 32u;
  let sm = w0_scale_min_k4(b + 4u, t);
  let dl = w0_f16(b) * sm.x;
  let ml = w0_f16(b + 2u) * sm.y;
  let q = w0_u64(b + 16u + (t / 2u) * 32u + e % 32u);
  let s = 4u * (t & 1u);
  return mat2x4<f32>(vec4<f32>(w0_fields(q.x, s, 15u)) * dl - ml, vec4<f32>(w0_fields(q.y, s, 15u)) * dl - ml);
}

fn w0_q5_k_chunk(n: u32, k: u32) -> mat2x4<f32> {
  let b = w0_block(n, k, 256u, 176u);
  let e = k % 256u;
  let t = e / 32u;
  let sm = w0_scale_min_k4(b + 4u, t);
  let dl = w0_f16(b) * sm.x;
  let ml = w0_f16(b + 2u) * sm.y;
  let q = w0_u64(b + 48u + (t / 2u) * 32u + e % 32u);
  let h = w0_u64(b + 16u + e % 32u);
  let s = 4u * (t & 1u);
  let lo = w0_fields(q.x, s, 15u) | (w0_fields(h.x, t, 1u) << vec4<u32>(4u));
  let hi = w0_fields(q.y, s, 15u) | (w0_fields(h.y, t, 1u) << vec4<u32>(4u));
  return mat2x4<f32>(vec4<f32>(lo) * dl - ml, vec4<f32>(hi) * dl - ml);
}

fn w0_q6_k_chunk(n: u32, k: u32) -> mat2x4<f32> {
  let b = w0_block(n, k, 256u, 210u);
  let e = k % 256u;
  let h = e / 128u;
  let j = (e / 32u) % 4u;
  let sc = bitcast<i32>(w0_u8(b + 192u + e / 16u) << 24u) >> 24u;
  let dl = w0_f16(b + 208u) * f32(sc);
  let ql = w0_u64(b + 64u * h + 32u * (j & 1u) + e % 32u);
  let qh = w0_u64(b + 128u + 32u * h + e % 32u);
  let s = 4u * (j / 2u);
  let lo = vec4<i32>(w0_fields(ql.x, s, 15u) | (w0_fields(qh.x, 2u * j, 3u) << vec4<u32>(4u))) - 32;
  let hi = vec4<i32>(w0_fields(ql.y, s, 15u) | (w0_fields(qh.y, 2u * j, 3u) << vec4<u32>(4u))) - 32;
  return mat2x4<f32>(dl * vec4<f32>(lo), dl * vec4<f32>(hi));
}

// ---- part: matmul_ggml_q5_k<WT=w0>
fn w0_chunk(n: u32, k: u32) -> mat2x4<f32> { return w0_q5_k_chunk(n, k); }
fn w0_at(n: u32, k: u32) -> f32 { var c = w0_chunk(n, k & ~7u); return c[(k >> 2u) & 1u][k & 3u]; }
// ---- part: matmul_ggml_bytes<WT=w1>
// matmul ggml block weights: the byte reads shared by matmul_ggml_legacy.wgsl and matmul_ggml_k.wgsl (template:
// WT -> the weight's name, w0 or w1; matmulShader.ts adds w1_chunk / w1_at for the weight's type as a part).
// Binding w1_data: array<u32> holding the GGUF bytes of W's rows exactly as stored (src/engine/formats.ts): byte b
// is bits 8·(b % 4) .. +7 of word b / 4 (little-endian). No repacking: every ggml block size in bytes is even and
// every field (d, dmin, scales, qs, qh) sits at an even offset, so the reads below all take an even byte offset b:
// a 16-bit field never straddles a word, and 4 or 8 bytes are one or two words, or halves of two or three.
// Block b0 of row n starts at byte (n · K / BS + b0) · TS (BS elements, TS bytes per block: w1_block).

/// First byte of the block holding W[n, k], for blocks of `bs` elements and `ts` bytes.
fn w1_block(n: u32, k: u32, bs: u32, ts: u32) -> u32 {
  return (n * (p.K / bs) + k / bs) * ts;
}

/// The byte at b.
fn w1_u8(b: u32) -> u32 {
  return (w1_data[b >> 2u] >> ((b & 3u) * 8u)) & 255u;
}

/// The IEEE half at byte b (b even), exactly, as f32.
fn w1_f16(b: u32) -> f32 {
  return unpack2x16float(w1_data[b >> 2u] >> ((b & 2u) * 8u)).x;
}

/// The little-endian 32 bits at byte b (b even).
fn w1_u32(b: u32) -> u32 {
  let w = b >> 2u;
  if ((b & 2u) == 0u) { return w1_data[w]; }
  return (w1_data[w] >> 16u) | (w1_data[w + 1u] << 16u);
}

/// The 8 bytes at b (b even) as two words: bytes b .. b+3 and b+4 .. b+7.
fn w1_u64(b: u32) -> vec2<u32> {
  let w = b >> 2u;
  if ((b & 2u) == 0u) { return vec2<u32>(w1_data[w], w1_data[w + 1u]); }
  let a = w1_data[w];
  let c = w1_data[w + 1u];
  return vec2<u32>((a >> 16u) | (c << 16u), (c >> 16u) | (w1_data[w + 2u] << 16u));
}

/// The four bytes of `word`, each shifted right by s (< 8) and masked.
fn w1_fields(word: u32, s: u32, mask: u32) -> vec4<u32> {
  return (vec4<u32>(word) >> (vec4<u32>(0u, 8u, 16u, 24u) + s)) & vec4<u32>(mask);
}

/// The four bytes of `word` as signed int8.
fn w1_i8x4(word: u32) -> vec4<i32> {
  return bitcast<vec4<i32>>(vec4<u32>(word) << vec4<u32>(24u, 16u, 8u, 0u)) >> vec4<u32>(24u);
}

// ---- part: matmul_ggml_k<WT=w1>
// matmul weight formats: ggml's 256-element K-quant blocks Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, read as stored
// (template: WT -> w0 / w1, composed after matmul_ggml_bytes.wgsl; matmulShader.ts adds w1_chunk calling the
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
fn w1_scale_min_k4(s: u32, t: u32) -> vec2<f32> {
  if (t < 4u) { return vec2<f32>(f32(w1_u8(s + t) & 63u), f32(w1_u8(s + t + 4u) & 63u)); }
  let hi = w1_u8(s + t + 4u);
  return vec2<f32>(f32((hi & 15u) | ((w1_u8(s + t - 4u) >> 6u) << 4u)), f32((hi >> 4u) | ((w1_u8(s + t) >> 6u) << 4u)));
}

fn w1_q2_k_chunk(n: u32, k: u32) -> mat2x4<f32> {
  let b = w1_block(n, k, 256u, 84u);
  let e = k % 256u;
  let sc = w1_u8(b + e / 16u);
  let dl = w1_f16(b + 80u) * f32(sc & 15u);
  let ml = w1_f16(b + 82u) * f32(sc >> 4u);
  let q = w1_u64(b + 16u + (e / 128u) * 32u + e % 32u);
  let s = 2u * ((e / 32u) % 4u);
  return mat2x4<f32>(vec4<f32>(w1_fields(q.x, s, 3u)) * dl - ml, vec4<f32>(w1_fields(q.y, s, 3u)) * dl - ml);
}

fn w1_q3_k_chunk(n: u32, k: u32) -> mat2x4<f32> {
  let b = w1_block(n, k, 256u, 110u);
  let e = k % 256u;
  let t = e / 16u; // scale index
  let low = (w1_u8(b + 96u + t % 8u) >> (4u * (t / 8u))) & 15u;
  let high = (w1_u8(b + 104u + t % 4u) >> (2u * (t / 4u))) & 3u;
  let dl = w1_f16(b + 108u) * f32(i32(low | (high << 4u)) - 32);
  let q = w1_u64(b + 32u + (e / 128u) * 32u + e % 32u);
  let s = 2u * ((e / 32u) % 4u);
  let h = w1_u64(b + e % 32u); // hmask: bit e / 32 set = no -4
  let hb = e / 32u;
  let lo = vec4<i32>(w1_fields(q.x, s, 3u)) - 4 * (1 - vec4<i32>(w1_fields(h.x, hb, 1u)));
  let hi = vec4<i32>(w1_fields(q.y, s, 3u)) - 4 * (1 - vec4<i32>(w1_fields(h.y, hb, 1u)));
  return mat2x4<f32>(vec4<f32>(lo) * dl, vec4<f32>(hi) * dl);
}

fn w1_q4_k_chunk(n: u32, k: u32) -> mat2x4<f32> {
  let b = w1_block(n, k, 256u, 144u);
  let e = k % 256u;
  let t = e / 32u;
  let sm = w1_scale_min_k4(b + 4u, t);
  let dl = w1_f16(b) * sm.x;
  let ml = w1_f16(b + 2u) * sm.y;
  let q = w1_u64(b + 16u + (t / 2u) * 32u + e % 32u);
  let s = 4u * (t & 1u);
  return mat2x4<f32>(vec4<f32>(w1_fields(q.x, s, 15u)) * dl - ml, vec4<f32>(w1_fields(q.y, s, 15u)) * dl - ml);
}

fn w1_q5_k_chunk(n: u32, k: u32) -> mat2x4<f32> {
  let b = w1_block(n, k, 256u, 176u);
  let e = k % 256u;
  let t = e / 32u;
  let sm = w1_scale_min_k4(b + 4u, t);
  let dl = w1_f16(b) * sm.x;
  let ml = w1_f16(b + 2u) * sm.y;
  let q = w1_u64(b + 48u + (t / 2u) * 32u + e % 32u);
  let h = w1_u64(b + 16u + e % 32u);
  let s = 4u * (t & 1u);
  let lo = w1_fields(q.x, s, 15u) | (w1_fields(h.x, t, 1u) << vec4<u32>(4u));
  let hi = w1_fields(q.y, s, 15u) | (w1_fields(h.y, t, 1u) << vec4<u32>(4u));
  return mat2x4<f32>(vec4<f32>(lo) * dl - ml, vec4<f32>(hi) * dl - ml);
}

fn w1_q6_k_chunk(n: u32, k: u32) -> mat2x4<f32> {
  let b = w1_block(n, k, 256u, 210u);
  let e = k % 256u;
  let h = e / 128u;
  let j = (e / 32u) % 4u;
  let sc = bitcast<i32>(w1_u8(b + 192u + e / 16u) << 24u) >> 24u;
  let dl = w1_f16(b + 208u) * f32(sc);
  let ql = w1_u64(b + 64u * h + 32u * (j & 1u) + e % 32u);
  let qh = w1_u64(b + 128u + 32u * h + e % 32u);
  let s = 4u * (j / 2u);
  let lo = vec4<i32>(w1_fields(ql.x, s, 15u) | (w1_fields(qh.x, 2u * j, 3u) << vec4<u32>(4u))) - 32;
  let hi = vec4<i32>(w1_fields(ql.y, s, 15u) | (w1_fields(qh.y, 2u * j, 3u) << vec4<u32>(4u))) - 32;
  return mat2x4<f32>(dl * vec4<f32>(lo), dl * vec4<f32>(hi));
}

// ---- part: matmul_ggml_q5_k<WT=w1>
fn w1_chunk(n: u32, k: u32) -> mat2x4<f32> { return w1_q5_k_chunk(n, k); }
fn w1_at(n: u32, k: u32) -> f32 { var c = w1_chunk(n, k & ~7u); return c[(k >> 2u) & 1u][k & 3u]; }
// ---- part: matmul_swiglu
// matmul weight set "swiglu": gate w0 and up w1, both (N, K) in one format. Virtual columns interleave them,
// vn = 2n (gate row n) and 2n + 1 (up row n), so one pass over x feeds both accumulators and every store sees
// a (gate, up) pair: y[m, col0 + n] = silu(gate) * up, silu(g) = g / (1 + exp(-g)). The accessors gate_in / up_in
// (generated by matmulShader.ts) add optional per-element addends (M, ldy) to the accumulators before SiLU: a LoRA's
// low-rank side products; without them they return v unchanged.
fn vcols() -> u32 {
  return 2u * p.N;
}

/// Virtual rows vn .. vn+4 (vn a multiple of 4: gate n, up n, gate n+1, up n+1) at column k (tiled kernel).
fn load_w4(vn: u32, k: u32) -> vec4<f32> {
  var v = vec4<f32>(0.0);
  if (k >= p.K) { return v; }
  let n = vn / 2u;
  if (n < p.N) {
    v.x = w0_at(n, k);
    v.y = w1_at(n, k);
  }
  if (n + 1u < p.N) {
    v.z = w0_at(n + 1u, k);
    v.w = w1_at(n + 1u, k);
  }
  return v;
}

/// Virtual row vn (< vcols), columns k .. k+8 (matvec kernel; uniform per group of invocations).
fn load_w8(vn: u32, k: u32) -> mat2x4<f32> {
  if ((vn & 1u) == 0u) { return w0_chunk(vn / 2u, k); }
  return w1_chunk(vn / 2u, k);
}

fn store2(m: u32, vn: u32, v: vec2<f32>) {
  let n = vn / 2u;
  if (n >= p.N) { return; }
  let i = m * p.ldy + p.col0 + n;
  let g = gate_in(i, v.x);
  y[i] = g / (1.0 + exp(-g)) * up_in(i, v.y);
}

// ---- part: matmul_wide
// matmul (wide): y = epilogue(x · Wᵀ) for M > 8 rows, any weight format.
// Composed like matmul.wgsl (see its header); this file is the kernel body, entry `main`.
//
// Weights are decoded where they are used, so this kernel never stages W in workgroup memory: each invocation
// owns a pair of virtual columns (vn, vn + 1) — for SwiGLU the gate and up rows of one output, exactly what the
// epilogue stores — and, 32 elements of K at a time (one quant block), decodes its two rows straight from the
// stored words into registers (8 vec4 each: for q4 one (scale, min) and 4 code words per row and block).
// The workgroup shares a TM-row tile of x for that block in workgroup memory; every invocation reads the same
// x word at the same time (a broadcast), so the inner loop is one broadcast vec4 load per 2 vec4 FMAs and no
// bank conflicts. Each decoded weight value feeds TM rows; each x value feeds 2·WG columns.
// Per block: stage x (one barrier), decode + TM·16 dot products, one barrier before the tile is overwritten.
// Accumulators: 2·TM f32 per invocation (TM <= MAXTM).
// Layout as matmul.wgsl; any K (x and W read as zero past K: load_w8 zero-fills, quant K is a multiple of 32, and
// ggml block K a multiple of 32 or 256, so each 32-step and each 8-wide chunk lies inside one ggml block).
// Dispatch: (ceil(vcols / (2·WG)), ceil(M / TM), 1).
override WG: u32 = 64; // invocations per workgroup (column pairs)
override TM: u32 = 32; // rows of x per workgroup (<= MAXTM)

// Used by matmul_quant.wgsl (declared here once, since SwiGLU instantiates the format twice).
override QBITS: u32 = 4u;
override QPARAM_F32: bool = false;

const MAXTM = 32u;
var<workgroup> xs: array<vec4<f32>, TM * 8u>; // [row][k / 4] of one 32-wide block

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let m0 = wid.y * TM;
  let vn = 2u * (wid.x * WG + lid); // first column of the pair
  let has0 = vn < vcols();
  let has1 = vn + 1u < vcols();
  let vr0 = select(0u, vn, has0); // rows past the end decode row 0 (finite, never stored)
  let vr1 = select(0u, vn + 1u, has1);
  var a0: array<f32, MAXTM>;
  var a1: array<f32, MAXTM>;

  for (var k0 = 0u; k0 < p.K; k0 += 32u) {
    // x tile: TM rows x 32; consecutive invocations read consecutive vec4s of a row. Zero past M and K.
    for (var e = lid; e < TM * 8u; e += WG) {
      let m = m0 + e / 8u;
      let k = k0 + 4u * (e % 8u);
      let b = m * p.K + k;
      var v = vec4<f32>(0.0);
      if (m < p.M && k + 4u <= p.K) {
        v = vec4<f32>(x[b], x[b + 1u], x[b + 2u], x[b + 3u]);
      } else if (m < p.M) {
        for (var i = 0u; i < 4u; i++) {
          if (k + i < p.K) { v[i] = x[b + i]; }
        }
      }
      xs[e] = v;
    }
    workgroupBarrier();

    for (var c = 0u; c < 4u; c++) { // 8-wide chunks of the block
      let w0 = load_w8(vr0, k0 + 8u * c);
      let w1 = load_w8(vr1, k0 + 8u * c);
      for (var m = 0u; m < TM; m++) {
        let xa = xs[m * 8u + 2u * c];
        let xb = xs[m * 8u + 2u * c + 1u];
        a0[m] += dot(xa, w0[0]) + dot(xb, w0[1]);
        a1[m] += dot(xa, w1[0]) + dot(xb, w1[1]);
      }
    }
    workgroupBarrier(); // the tile is overwritten by the next block
  }

  if (has0) {
    for (var m = 0u; m < TM; m++) {
      if (m0 + m < p.M) { store2(m0 + m, vn, vec2<f32>(a0[m], a1[m])); }
    }
  }
}
