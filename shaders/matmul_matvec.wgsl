// matmul (small M): y = epilogue(x · Wᵀ) for M = 1..8 rows (timestep / adaLN matvecs, single tokens).
// Composed like matmul.wgsl (see its header); this file is the kernel body, entry `main`.
//
// These shapes are bound by reading W once, so the layout serves the weight reads: MV_TPR consecutive
// invocations share one virtual column and walk its row in chunks of 8 elements (one q4 word, two q8 words,
// four f16 words), so a group's reads of W are contiguous. Every x row is dotted with each decoded chunk
// (MV_M accumulators, the loop bound an override so it unrolls), then the group reduces in workgroup memory.
// x is tiny and re-read by every workgroup: it stays in cache.
// Dispatch: ceil(vcols / (MV_WG / MV_TPR)) workgroups, folded into (x, y) by grid(); p.gx = workgroups per row.
override MV_WG: u32 = 256; // invocations per workgroup
override MV_TPR: u32 = 32; // invocations per virtual column, a power of two dividing MV_WG, even quotient
override MV_M: u32 = 1u;   // rows of x, 1..MAXM (one pipeline per value)

// Used by matmul_quant.wgsl (declared here once, since SwiGLU instantiates the format twice).
override QBITS: u32 = 4u;
override QPARAM_F32: bool = false;

const MAXM = 8u;
var<workgroup> red: array<f32, MV_M * MV_WG>; // [m][invocation] partial sums

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
  let cols = MV_WG / MV_TPR; // virtual columns per workgroup
  let c = lid.x / MV_TPR;
  let lane = lid.x % MV_TPR;
  let vn = (wid.x + wid.y * p.gx) * cols + c;
  var acc: array<f32, MAXM>;

  if (vn < vcols()) {
    for (var k = lane * 8u; k < p.K; k += MV_TPR * 8u) {
      let w = load_w8(vn, k);
      for (var m = 0u; m < MV_M; m++) {
        let xv = x_chunk(m, k);
        acc[m] += dot(xv[0], w[0]) + dot(xv[1], w[1]);
      }
    }
  }

  for (var m = 0u; m < MV_M; m++) { red[m * MV_WG + lid.x] = acc[m]; }
  workgroupBarrier();
  for (var s = MV_TPR / 2u; s > 0u; s >>= 1u) {
    if (lane < s) {
      for (var m = 0u; m < MV_M; m++) { red[m * MV_WG + lid.x] += red[m * MV_WG + lid.x + s]; }
    }
    workgroupBarrier();
  }

  // Lane 0 of each even column stores the pair (vn, vn + 1): SwiGLU needs its gate and up sums together.
  if (lane == 0u && (c & 1u) == 0u && vn < vcols()) {
    for (var m = 0u; m < MV_M; m++) {
      store2(m, vn, vec2<f32>(red[m * MV_WG + lid.x], red[m * MV_WG + lid.x + MV_TPR]));
    }
  }
}
