// matmul[body=matvec,w=q5_k,epilogue=linear]
// parts: bindings, accessors, matmul_ggml_bytes<WT=w0>, matmul_ggml_k<WT=w0>, matmul_ggml_q5_k<WT=w0>, matmul_linear, matmul_matvec
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

// ---- part: matmul_ggml_q5_k<WT=w0>
fn w0_chunk(n: u32, k: u32) -> mat2x4<f32> { return w0_q5_k_chunk(n, k); }
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

// ---- part: matmul_matvec
// matmul (small M): y = epilogue(x · Wᵀ) for M = 1..8 rows (timestep / adaLN matvecs, single tokens).
// Composed like matmul.wgsl (see its header); this file is the kernel body, entry `main`.
//
// These shapes are bound by reading W once, so the layout serves the weight reads. A group of MV_TPR consecutive
// invocations owns a pair of virtual columns (vn, vn + 1) — for SwiGLU the gate and up rows of one output, so
// the pair is exactly what the epilogue needs — and walks both rows in chunks of 8 elements (one q4 word, two q8
// words, four f16 words, 8 code bytes of a ggml block); two independent rows per invocation also keep two loads
// in flight. Every x row is
// dotted with each decoded chunk (2·MV_M accumulators, the loop bound an override so it unrolls). With
// MV_TPR > 1 (long rows, split across invocations) the partial sums meet in workgroup memory after ONE barrier
// and lane 0 adds them; with MV_TPR = 1 there is no barrier at all (a barrier per workgroup is expensive on
// CPU implementations such as SwiftShader, and a tree of them buys nothing for at most 32 terms).
// x is tiny and re-read by every workgroup: it stays in cache.
// Dispatch: ceil(ceil(vcols / 2) / (MV_WG / MV_TPR)) workgroups, folded into (x, y) by grid(); p.gx = per row.
override MV_WG: u32 = 128; // invocations per workgroup
override MV_TPR: u32 = 1u; // invocations per column pair, a power of two dividing MV_WG
override MV_M: u32 = 1u;   // rows of x, 1..MAXM (one pipeline per value)

// Used by matmul_quant.wgsl (declared here once, since SwiGLU instantiates the format twice).
override QBITS: u32 = 4u;
override QPARAM_F32: bool = false;

const MAXM = 8u;
var<workgroup> red: array<f32, 2u * MV_M * MV_WG>; // [m][pair half][invocation] partial sums

/// x[m, k .. k+8], zero past K.
fn x_chunk(m: u32, k: u32) -> mat2x4<f32> {
  let base = m * p.K + k;
  if (k + 8u <= p.K) {
    return mat2x4<f32>(x[base], x[base + 1u], x[base + 2u], x[base + 3u],
                       x[base + 4u], x[base + 5u], x[base + 6u], x[base + 7u]);
  }
  var v = mat2x4<f32>();
  for (var i = 0u; i < 8u; i++) {
    if (k + i < p.K) { v[i / 4u][i % 4u] = x[base + i]; }
  }
  return v;
}

@compute @workgroup_size(MV_WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let lane = lid.x % MV_TPR;
  let vn = 2u * ((wid.x + wid.y * p.gx) * (MV_WG / MV_TPR) + lid.x / MV_TPR); // first column of the pair
  let has0 = vn < vcols();
  let has1 = vn + 1u < vcols();
  var a0: array<f32, MAXM>;
  var a1: array<f32, MAXM>;

  if (has0) {
    for (var k = lane * 8u; k < p.K; k += MV_TPR * 8u) {
      let w0 = load_w8(vn, k);
      var w1 = mat2x4<f32>();
      if (has1) { w1 = load_w8(vn + 1u, k); }
      for (var m = 0u; m < MV_M; m++) {
        let xv = x_chunk(m, k);
        a0[m] += dot(xv[0], w0[0]) + dot(xv[1], w0[1]);
        a1[m] += dot(xv[0], w1[0]) + dot(xv[1], w1[1]);
      }
    }
  }

  if (MV_TPR > 1u) {
    for (var m = 0u; m < MV_M; m++) {
      red[(2u * m) * MV_WG + lid.x] = a0[m];
      red[(2u * m + 1u) * MV_WG + lid.x] = a1[m];
    }
    workgroupBarrier();
    if (lane == 0u) {
      for (var m = 0u; m < MV_M; m++) {
        for (var l = 1u; l < MV_TPR; l++) {
          a0[m] += red[(2u * m) * MV_WG + lid.x + l];
          a1[m] += red[(2u * m + 1u) * MV_WG + lid.x + l];
        }
      }
    }
  }

  if (lane == 0u && has0) {
    for (var m = 0u; m < MV_M; m++) { store2(m, vn, vec2<f32>(a0[m], a1[m])); }
  }
}
