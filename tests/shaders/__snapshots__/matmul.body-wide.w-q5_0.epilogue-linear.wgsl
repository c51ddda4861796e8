// matmul[body=wide,w=q5_0,epilogue=linear]
// parts: bindings, accessors, matmul_ggml_bytes<WT=w0>, matmul_ggml_legacy<WT=w0>, matmul_ggml_q5_0<WT=w0>, matmul_linear, matmul_wide
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

// ---- part: matmul_ggml_legacy<WT=w0>
// matmul weight formats: ggml's 32-element blocks Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, read as stored (template: WT ->
// w0 / w1, composed after matmul_ggml_bytes.wgsl; matmulShader.ts adds w0_chunk calling the type's function).
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
fn w0_nibbles(qs: u32, e: u32) -> array<vec4<u32>, 2> {
  let q = w0_u64(qs + (e & 15u));
  let s = (e >> 4u) * 4u;
  return array<vec4<u32>, 2>(w0_fields(q.x, s, 15u), w0_fields(q.y, s, 15u));
}

/// Bits e .. e+8 of the u32 qh, each as 0 or 16 (the fifth bit of Q5_0 / Q5_1).
fn w0_high5(qh: u32, e: u32) -> array<vec4<u32>, 2> {
  let lo = ((vec4<u32>(qh) >> (vec4<u32>(0u, 1u, 2u, 3u) + e)) & vec4<u32>(1u)) << vec4<u32>(4u);
  let hi = ((vec4<u32>(qh) >> (vec4<u32>(4u, 5u, 6u, 7u) + e)) & vec4<u32>(1u)) << vec4<u32>(4u);
  return array<vec4<u32>, 2>(lo, hi);
}

fn w0_q4_0_chunk(n: u32, k: u32) -> mat2x4<f32> {
  let b = w0_block(n, k, 32u, 18u);
  let d = w0_f16(b);
  let q = w0_nibbles(b + 2u, k % 32u);
  return mat2x4<f32>((vec4<f32>(q[0]) - 8.0) * d, (vec4<f32>(q[1]) - 8.0) * d);
}

fn w0_q4_1_chunk(n: u32, k: u32) -> mat2x4<f32> {
  let b = w0_block(n, k, 32u, 20u);
  let d = w0_f16(b);
  let m = w0_f16(b + 2u);
  let q = w0_nibbles(b + 4u, k % 32u);
  return mat2x4<f32>(vec4<f32>(q[0]) * d + m, vec4<f32>(q[1]) * d + m);
}

fn w0_q5_0_chunk(n: u32, k: u32) -> mat2x4<f32> {
  let b = w0_block(n, k, 32u, 22u);
  let e = k % 32u;
  let d = w0_f16(b);
  let h = w0_high5(w0_u32(b + 2u), e);
  let q = w0_nibbles(b + 6u, e);
  return mat2x4<f32>((vec4<f32>(q[0] | h[0]) - 16.0) * d, (vec4<f32>(q[1] | h[1]) - 16.0) * d);
}

fn w0_q5_1_chunk(n: u32, k: u32) -> mat2x4<f32> {
  let b = w0_block(n, k, 32u, 24u);
  let e = k % 32u;
  let d = w0_f16(b);
  let m = w0_f16(b + 2u);
  let h = w0_high5(w0_u32(b + 4u), e);
  let q = w0_nibbles(b + 8u, e);
  return mat2x4<f32>(vec4<f32>(q[0] | h[0]) * d + m, vec4<f32>(q[1] | h[1]) * d + m);
}

fn w0_q8_0_chunk(n: u32, k: u32) -> mat2x4<f32> {
  let b = w0_block(n, k, 32u, 34u);
  let d = w0_f16(b);
  let q = w0_u64(b + 2u + k % 32u);
  return mat2x4<f32>(vec4<f32>(w0_i8x4(q.x)) * d, vec4<f32>(w0_i8x4(q.y)) * d);
}

// ---- part: matmul_ggml_q5_0<WT=w0>
fn w0_chunk(n: u32, k: u32) -> mat2x4<f32> { return w0_q5_0_chunk(n, k); }
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
