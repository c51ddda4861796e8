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
