// matmul[body=naive,w=quant]
// parts: bindings, matmul_quant<WT=w0>, matmul_naive
// ---- part: bindings
struct Params { M: u32, N: u32, K: u32, gx: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> w0_codes: array<u32>;
@group(0) @binding(3) var<storage, read> w0_params: array<u32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;
// ---- part: matmul_quant<WT=w0>
// matmul weight formats q4 / q8 (template: `instantiate` in src/engine/compose.ts
// replaces WT with the weight's name, w0 or w1).
// Engine format of src/engine/formats.ts: W (N, K), K a multiple of 32, blocks of 32 along K; value =
// code * scale + min. Bindings w0_codes: array<u32> (QBITS=4: 8 codes per word, element j at bits 4j; QBITS=8:
// 4 per word), w0_params: array<u32> per (row, block): pack2x16float(scale, min), or two f32 words when
// QPARAM_F32. QBITS / QPARAM_F32 are overrides declared by the kernel body. Values are decoded in registers;
// the dequantized matrix never exists.
fn w0_scale_min(n: u32, blk: u32) -> vec2<f32> {
  let i = n * (p.K / 32u) + blk;
  if (QPARAM_F32) {
    return vec2<f32>(bitcast<f32>(w0_params[2u * i]), bitcast<f32>(w0_params[2u * i + 1u]));
  }
  return unpack2x16float(w0_params[i]);
}

fn w0_at(n: u32, k: u32) -> f32 {
  let per = 32u / QBITS; // codes per word
  let word = w0_codes[n * (p.K / per) + k / per];
  let code = (word >> ((k % per) * QBITS)) & ((1u << QBITS) - 1u);
  let sm = w0_scale_min(n, k / 32u);
  return f32(code) * sm.x + sm.y;
}

/// W[n, k .. k+8] as two vec4 (k a multiple of 8, so the chunk lies in one block).
fn w0_chunk(n: u32, k: u32) -> mat2x4<f32> {
  let sm = w0_scale_min(n, k / 32u);
  let per = 32u / QBITS;
  let i = n * (p.K / per) + k / per;
  var lo: vec4<u32>;
  var hi: vec4<u32>;
  if (QBITS == 4u) {
    let w = w0_codes[i];
    lo = (vec4<u32>(w) >> vec4<u32>(0u, 4u, 8u, 12u)) & vec4<u32>(15u);
    hi = (vec4<u32>(w) >> vec4<u32>(16u, 20u, 24u, 28u)) & vec4<u32>(15u);
  } else {
    lo = (vec4<u32>(w0_codes[i]) >> vec4<u32>(0u, 8u, 16u, 24u)) & vec4<u32>(255u);
    hi = (vec4<u32>(w0_codes[i + 1u]) >> vec4<u32>(0u, 8u, 16u, 24u)) & vec4<u32>(255u);
  }
  return mat2x4<f32>(vec4<f32>(lo) * sm.x + sm.y, vec4<f32>(hi) * sm.x + sm.y);
}

// ---- part: matmul_naive
// matmul_naive: y = x · Wᵀ, deliberately naive — the benchmark's baseline for the tiled kernels of matmul.wgsl.
// One output element per invocation, no workgroup memory: every invocation reads a full row of x and of W from
// storage (neighbouring invocations read rows of W K elements apart).
// Composed by src/engine/kernels/matmulNaive.ts: generated bindings (0 params, 1 x, weight buffers, then y) +
// one weight format of the matmul family (matmul_f32 / f16 / quant, WT -> w0) + this body.
// Layout: x f32 (M, K), W (N, K), y f32 (M, N). Dispatch: ceil(M·N / WG) workgroups folded into (x, y) by grid().
override WG: u32 = 64;
override QBITS: u32 = 4u;          // read by matmul_quant.wgsl
override QPARAM_F32: bool = false; // read by matmul_quant.wgsl

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * p.gx * WG;
  if (i >= p.M * p.N) { return; }
  let m = i / p.N;
  let n = i % p.N;
  var acc = 0.0;
  for (var k = 0u; k < p.K; k++) {
    acc += x[m * p.K + k] * w0_at(n, k);
  }
  y[i] = acc;
}
