// matmul[body=tiled,w=q2_k,epilogue=linear]
// parts: bindings, accessors, matmul_ggml_bytes<WT=w0>, matmul_ggml_k<WT=w0>, matmul_ggml_q2_k<WT=w0>, matmul_linear, matmul
// ---- part: bindings
struct Params { M: u32, N: u32, K: u32, ldy: u32, col0: u32, gx: u32, G: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> w0_data: array<u32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
// ---- part: accessors
fn bias_at(col: u32) -> f32 { return 0.0; }
fn residual_at(i: u32) -> f32 { return 0.0; }
fn gate_mul(m: u32, col: u32) -> f32 { return 1.0; }
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

// ---- part: matmul_ggml_q2_k<WT=w0>
fn w0_chunk(n: u32, k: u32) -> mat2x4<f32> { return w0_q2_k_chunk(n, k); }
fn w0_at(n: u32, k: u32) -> f32 { var c = w0_chunk(n, k & ~7u); return c[(k >> 2u) & 1u][k & 3u]; }
// ---- part: matmul_linear
// matmul weight set "linear": one weight w0 (N, K); virtual column vn = output column n of this dispatch.
// Epilogue: y[m, col] = residual_at(i) + gate_mul(m, col) * (acc + bias_at(col)), col = col0 + n. The accessors
// are generated by matmulShader.ts: plain matmul has residual 0 and gate 1 (folded by the compiler), the gated
// residual reads tanh(gate[row(m), col]) and the residual (a separate tensor, or y itself in place).
fn vcols() -> u32 {
  return p.N;
}

fn w_row(vn: u32, k: u32) -> f32 {
  if (vn >= p.N) { return 0.0; }
  return w0_at(vn, k);
}

/// Rows vn .. vn+4 of the weight at column k, zero outside (tiled kernel).
fn load_w4(vn: u32, k: u32) -> vec4<f32> {
  if (k >= p.K) { return vec4<f32>(0.0); }
  return vec4<f32>(w_row(vn, k), w_row(vn + 1u, k), w_row(vn + 2u, k), w_row(vn + 3u, k));
}

/// Row vn (< vcols), columns k .. k+8 (matvec kernel).
fn load_w8(vn: u32, k: u32) -> mat2x4<f32> {
  return w0_chunk(vn, k);
}

fn store1(m: u32, n: u32, v: f32) {
  if (n >= p.N) { return; }
  let col = p.col0 + n;
  let i = m * p.ldy + col;
  y[i] = residual_at(i) + gate_mul(m, col) * (v + bias_at(col));
}

fn store2(m: u32, vn: u32, v: vec2<f32>) {
  store1(m, vn, v.x);
  store1(m, vn + 1u, v.y);
}

// ---- part: matmul
// matmul (tiled): y = epilogue(x · Wᵀ) for M > 8 rows, on request (matmul.ts defaults to matmul_wide.wgsl, which
// measured about 2x faster on SwiftShader; `npm run bench` times both, so other adapters can be compared).
//
// The matmul family is composed by src/engine/kernels/matmulShader.ts (src/engine/compose.ts) from these parts
// (WGSL has no generics):
//   bindings + Params        generated by matmulShader.ts (the only TS that knows them), with tiny accessors
//                            bias_at / residual_at / gate_mul (constants when the op has no such input)
//   matmul_f32|f16|quant     the weight format: `WT_at(n, k)` and `WT_chunk(n, k)`, instantiated per weight
//                            (WT -> w0, and w1 for SwiGLU's up weight); ggml blocks as stored in GGUF:
//                            matmul_ggml_bytes + matmul_ggml_legacy (Q4_0..Q8_0) | matmul_ggml_k (Q2_K..Q6_K)
//   matmul_linear|swiglu     the weight set and epilogue: `vcols()`, `load_w4`, `load_w8`, `store2`
//   matmul.wgsl | matmul_wide.wgsl | matmul_matvec.wgsl   the kernel body (this file: entry `main`)
//
// Layout: x f32 (M, K) row-major; W (N, K) row-major (PyTorch Linear); y f32 (M, ldy), this dispatch writing
// columns col0 .. col0 + N (a weight split into row chunks is one dispatch per chunk).
// "Virtual columns" vn are the columns of the weight set: = n for one weight; for SwiGLU 2n (gate) and 2n+1
// (up) interleaved, so one pass over the x tile feeds both accumulators and a thread holds both halves of a pair.
//
// Tiling: a workgroup computes a (4·WGY) x (4·WGX) tile of (rows, virtual columns); each invocation a 4 x 4
// block (four vec4 accumulators, rows contiguous, columns contiguous). K advances TK at a time through
// workgroup memory, both operands stored K-major as vec4 so the inner loop is 2 vec4 loads per 16 FMAs.
// Rows are padded by one vec4 against bank conflicts on the transposing stores.
// Dispatch: (ceil(vcols / (4·WGX)), ceil(M / (4·WGY)), 1).
override WGX: u32 = 16; // invocations along virtual columns
override WGY: u32 = 16; // invocations along rows
override TK: u32 = 16;  // K per stage; a multiple of 8 when CHUNKED
// K % 8 == 0: weights load as 8-wide chunks (one code word and one (scale, min) per 8 values for q4) instead of
// per element; the matvec kernel's load_w8 does the decoding.
override CHUNKED: bool = false;

// Used by matmul_quant.wgsl (declared here once, since SwiGLU instantiates the format twice).
override QBITS: u32 = 4u;        // 4 or 8
override QPARAM_F32: bool = false; // block params as two f32 words instead of pack2x16float

var<workgroup> xs: array<vec4<f32>, TK * (WGY + 1u)>; // [k][row quad], 4 consecutive rows per vec4
var<workgroup> ws: array<vec4<f32>, TK * (WGX + 1u)>; // [k][virtual column quad]

fn x_at(m: u32, k: u32) -> f32 {
  if (m >= p.M || k >= p.K) { return 0.0; }
  return x[m * p.K + k];
}

@compute @workgroup_size(WGX, WGY)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let m0 = wid.y * 4u * WGY;
  let vn0 = wid.x * 4u * WGX;
  let t = lid.y * WGX + lid.x;
  let threads = WGX * WGY;
  // Four named accumulators, not an array: an array indexed in a loop the compiler does not unroll stays in memory
  // (SwiftShader), and every FMA would load and store it.
  var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0);
  var acc3 = vec4<f32>(0.0);

  for (var k0 = 0u; k0 < p.K; k0 += TK) {
    // Consecutive invocations take consecutive k: global reads run along rows of x and W.
    for (var s = t; s < TK * WGY; s += threads) {
      let kk = s % TK;
      let m = m0 + 4u * (s / TK);
      let k = k0 + kk;
      xs[kk * (WGY + 1u) + s / TK] = vec4<f32>(x_at(m, k), x_at(m + 1u, k), x_at(m + 2u, k), x_at(m + 3u, k));
    }
    if (CHUNKED) {
      // (virtual column, 8-wide chunk of k) per invocation; neighbours read neighbouring words of one row.
      for (var s = t; s < (TK / 8u) * 4u * WGX; s += threads) {
        let q = s % (TK / 8u);
        let c = s / (TK / 8u);
        let k = k0 + 8u * q;
        var v = mat2x4<f32>();
        if (k < p.K) { v = load_w8(vn0 + c, k); }
        for (var j = 0u; j < 4u; j++) {
          ws[(8u * q + j) * (WGX + 1u) + c / 4u][c % 4u] = v[0][j];
          ws[(8u * q + 4u + j) * (WGX + 1u) + c / 4u][c % 4u] = v[1][j];
        }
      }
    } else {
      for (var s = t; s < TK * WGX; s += threads) {
        let kk = s % TK;
        ws[kk * (WGX + 1u) + s / TK] = load_w4(vn0 + 4u * (s / TK), k0 + kk);
      }
    }
    workgroupBarrier();
    for (var kk = 0u; kk < TK; kk++) {
      let a = xs[kk * (WGY + 1u) + lid.y];
      let b = ws[kk * (WGX + 1u) + lid.x];
      acc0 += a.x * b;
      acc1 += a.y * b;
      acc2 += a.z * b;
      acc3 += a.w * b;
    }
    workgroupBarrier();
  }

  let vn = vn0 + 4u * lid.x;
  let m = m0 + 4u * lid.y;
  store_row(m, vn, acc0);
  store_row(m + 1u, vn, acc1);
  store_row(m + 2u, vn, acc2);
  store_row(m + 3u, vn, acc3);
}

fn store_row(m: u32, vn: u32, v: vec4<f32>) {
  if (m < p.M) {
    store2(m, vn, v.xy);
    store2(m, vn + 2u, v.zw);
  }
}
