// matmul weight formats q4 / q8 (template: `instantiate` in src/engine/compose.ts
// replaces WT with the weight's name, w0 or w1).
// Engine format of src/engine/formats.ts: W (N, K), K a multiple of 32, blocks of 32 along K; value =
// code * scale + min. Bindings WT_codes: array<u32> (QBITS=4: 8 codes per word, element j at bits 4j; QBITS=8:
// 4 per word), WT_params: array<u32> per (row, block): pack2x16float(scale, min), or two f32 words when
// QPARAM_F32. QBITS / QPARAM_F32 are overrides declared by the kernel body. Values are decoded in registers;
// the dequantized matrix never exists.
fn WT_scale_min(n: u32, blk: u32) -> vec2<f32> {
  let i = n * (p.K / 32u) + blk;
  if (QPARAM_F32) {
    return vec2<f32>(bitcast<f32>(WT_params[2u * i]), bitcast<f32>(WT_params[2u * i + 1u]));
  }
  return unpack2x16float(WT_params[i]);
}

fn WT_at(n: u32, k: u32) -> f32 {
  let per = 32u / QBITS; // codes per word
  let word = WT_codes[n * (p.K / per) + k / per];
  let code = (word >> ((k % per) * QBITS)) & ((1u << QBITS) - 1u);
  let sm = WT_scale_min(n, k / 32u);
  return f32(code) * sm.x + sm.y;
}

/// W[n, k .. k+8] as two vec4 (k a multiple of 8, so the chunk lies in one block).
fn WT_chunk(n: u32, k: u32) -> mat2x4<f32> {
  let sm = WT_scale_min(n, k / 32u);
  let per = 32u / QBITS;
  let i = n * (p.K / per) + k / per;
  var lo: vec4<u32>;
  var hi: vec4<u32>;
  if (QBITS == 4u) {
    let w = WT_codes[i];
    lo = (vec4<u32>(w) >> vec4<u32>(0u, 4u, 8u, 12u)) & vec4<u32>(15u);
    hi = (vec4<u32>(w) >> vec4<u32>(16u, 20u, 24u, 28u)) & vec4<u32>(15u);
  } else {
    lo = (vec4<u32>(WT_codes[i]) >> vec4<u32>(0u, 8u, 16u, 24u)) & vec4<u32>(255u);
    hi = (vec4<u32>(WT_codes[i + 1u]) >> vec4<u32>(0u, 8u, 16u, 24u)) & vec4<u32>(255u);
  }
  return mat2x4<f32>(vec4<f32>(lo) * sm.x + sm.y, vec4<f32>(hi) * sm.x + sm.y);
}
