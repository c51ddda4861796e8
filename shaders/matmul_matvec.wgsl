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
