// matmul ggml block weights: the byte reads shared by matmul_ggml_legacy.wgsl and matmul_ggml_k.wgsl (template:
// WT -> the weight's name, w0 or w1; matmulShader.ts adds WT_chunk / WT_at for the weight's type as a part).
// Binding WT_data: array<u32> holding the GGUF bytes of W's rows exactly as stored (src/engine/formats.ts): byte b
// is bits 8·(b % 4) .. +7 of word b / 4 (little-endian). No repacking: every ggml block size in bytes is even and
// every field (d, dmin, scales, qs, qh) sits at an even offset, so the reads below all take an even byte offset b:
// a 16-bit field never straddles a word, and 4 or 8 bytes are one or two words, or halves of two or three.
// Block b0 of row n starts at byte (n · K / BS + b0) · TS (BS elements, TS bytes per block: WT_block).

/// First byte of the block holding W[n, k], for blocks of `bs` elements and `ts` bytes.
fn WT_block(n: u32, k: u32, bs: u32, ts: u32) -> u32 {
  return (n * (p.K / bs) + k / bs) * ts;
}

/// The byte at b.
fn WT_u8(b: u32) -> u32 {
  return (WT_data[b >> 2u] >> ((b & 3u) * 8u)) & 255u;
}

/// The IEEE half at byte b (b even), exactly, as f32.
fn WT_f16(b: u32) -> f32 {
  return unpack2x16float(WT_data[b >> 2u] >> ((b & 2u) * 8u)).x;
}

/// The little-endian 32 bits at byte b (b even).
fn WT_u32(b: u32) -> u32 {
  let w = b >> 2u;
  if ((b & 2u) == 0u) { return WT_data[w]; }
  return (WT_data[w] >> 16u) | (WT_data[w + 1u] << 16u);
}

/// The 8 bytes at b (b even) as two words: bytes b .. b+3 and b+4 .. b+7.
fn WT_u64(b: u32) -> vec2<u32> {
  let w = b >> 2u;
  if ((b & 2u) == 0u) { return vec2<u32>(WT_data[w], WT_data[w + 1u]); }
  let a = WT_data[w];
  let c = WT_data[w + 1u];
  return vec2<u32>((a >> 16u) | (c << 16u), (c >> 16u) | (WT_data[w + 2u] << 16u));
}

/// The four bytes of `word`, each shifted right by s (< 8) and masked.
fn WT_fields(word: u32, s: u32, mask: u32) -> vec4<u32> {
  return (vec4<u32>(word) >> (vec4<u32>(0u, 8u, 16u, 24u) + s)) & vec4<u32>(mask);
}

/// The four bytes of `word` as signed int8.
fn WT_i8x4(word: u32) -> vec4<i32> {
  return bitcast<vec4<i32>>(vec4<u32>(word) << vec4<u32>(24u, 16u, 8u, 0u)) >> vec4<u32>(24u);
}
