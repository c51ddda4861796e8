// conv2d
// parts: conv2d
// ---- part: conv2d
// conv2d: 2-D convolution as an implicit GEMM, out = W · im2col(x) + bias, never materialising im2col.
//   GEMM view: M = Cout (rows of W), N = Ho*Wo output pixels, K = Cin*KH*KW (the reduction).
//   W (Cout, Cin, KH, KW) row-major is already the (M, K) matrix with k = (ci*KH + ky)*KW + kx.
//   The (K, N) operand is gathered on the fly: B[k][n] = x[ci, oy*S - pad_t + ky, ox*S - pad_l + kx], 0 outside.
//   With UP, x is first upsampled nearest x2 (virtual input 2H x 2W, texel (iy>>1, ix>>1)): Upsample + conv fused.
// Layout: x f32 (Cin, H, W); out f32 (Cout, Ho, Wo); bias f32 (Cout); channels-first, batch 1.
//   w as u32 words: W_F16 = false -> f32 bit patterns; true -> f16 packed two per word (element 2i in the low half,
//   see src/engine/formats.ts), so one binding type serves both dtypes.
// Bindings: 0 params, 1 x (read), 2 w (read), 3 bias (read), 4 out (read_write).
// Dispatch: (gx, gy, ceil(Cout / TM)) with gx*gy >= ceil(N / TN) (pixel tiles folded by grid()); WG_M*WG_N threads.
//   Each workgroup computes a TM x TN output tile (TM = WG_M*RM channels, TN = WG_N*RN pixels), looping over K
//   in chunks of TK through workgroup memory. Each thread owns RM x RN outputs strided by (WG_M, WG_N), so
//   neighbouring threads write neighbouring pixels (coalesced stores) and read distinct shared-memory words.
// Requirement (checked in src/engine/kernels/conv2d.ts): (WG_M*WG_N) % TN == 0 (i.e. WG_M % RN == 0), so every
//   thread loads B from one fixed pixel column (its pixel coordinates are computed once, not per K chunk).
override WG_M: u32 = 16; // threads along output channels
override WG_N: u32 = 16; // threads along pixels
override TK: u32 = 16; // K per shared-memory chunk
override KH: u32 = 3;
override KW: u32 = 3;
override S: u32 = 1; // stride
override W_F16: bool = false;
override UP: bool = false; // fused nearest x2 upsample of the input

const RM: u32 = 4; // outputs per thread along channels (register tile; must be const in WGSL)
const RN: u32 = 4; // outputs per thread along pixels
override T: u32 = WG_M * WG_N; // threads (derived; never set from the API)
override TM: u32 = WG_M * RM;
override TN: u32 = WG_N * RN;

struct Params {
  cin: u32,
  h: u32, // input rows (before the fused upsample)
  w: u32,
  cout: u32,
  ho: u32,
  wo: u32,
  k_total: u32, // Cin*KH*KW
  pad_t: u32,
  pad_l: u32,
  tiles_x: u32, // gx of the folded pixel-tile grid
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> wt: array<u32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

var<workgroup> a_s: array<f32, TK * TM>; // (TK, TM): W chunk, transposed so a thread's RM rows are one read each
var<workgroup> b_s: array<f32, TK * TN>; // (TK, TN): im2col chunk

fn weight(e: u32) -> f32 {
  if (W_F16) {
    let pair = unpack2x16float(wt[e >> 1u]);
    return select(pair.x, pair.y, (e & 1u) == 1u);
  }
  return bitcast<f32>(wt[e]);
}

@compute @workgroup_size(WG_N, WG_M)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let n_pix = p.ho * p.wo;
  let tile_n = wid.x + wid.y * p.tiles_x;
  if (tile_n * TN >= n_pix) { return; } // padding workgroups of the folded grid (uniform per workgroup)
  let n0 = tile_n * TN;
  let m0 = wid.z * TM;
  let t = lid.y * WG_N + lid.x;

  // This thread's B column: output pixel n0 + t % TN, and the rows t / TN + r * (T / TN) of each chunk.
  let col = t % TN;
  let row0 = t / TN;
  let pix = n0 + col;
  let pix_ok = pix < n_pix;
  let oy = pix / p.wo;
  let ox = pix - oy * p.wo;
  let iy0 = i32(oy * S) - i32(p.pad_t); // top-left input tap (virtual coordinates when UP)
  let ix0 = i32(ox * S) - i32(p.pad_l);
  let vh = i32(select(p.h, 2u * p.h, UP));
  let vw = i32(select(p.w, 2u * p.w, UP));
  let plane = p.h * p.w; // elements per input channel

  // Named accumulators (row i of the register tile, its RN = 4 pixels as one vec4), not a 2-D array: an array
  // indexed in loops the compiler does not unroll stays in memory (SwiftShader), a load and store per FMA.
  var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0);
  var acc3 = vec4<f32>(0.0);

  for (var k0 = 0u; k0 < p.k_total; k0 += TK) {
    // A chunk: TM x TK weights; consecutive threads read consecutive k of one row.
    for (var e = t; e < TM * TK; e += T) {
      let kk = e % TK;
      let mm = e / TK;
      let m = m0 + mm;
      let k = k0 + kk;
      var v = 0.0;
      if (m < p.cout && k < p.k_total) { v = weight(m * p.k_total + k); }
      a_s[kk * TM + mm] = v;
    }
    // B chunk: TK x TN input taps; consecutive threads read consecutive pixels.
    for (var kk = row0; kk < TK; kk += T / TN) {
      let k = k0 + kk;
      var v = 0.0;
      if (pix_ok && k < p.k_total) {
        let ci = k / (KH * KW); // constant divisors after override specialisation
        let r = k - ci * (KH * KW);
        let ky = r / KW;
        let iy = iy0 + i32(ky);
        let ix = ix0 + i32(r - ky * KW);
        if (iy >= 0 && iy < vh && ix >= 0 && ix < vw) {
          var sy = u32(iy);
          var sx = u32(ix);
          if (UP) { sy = sy >> 1u; sx = sx >> 1u; }
          v = x[ci * plane + sy * p.w + sx];
        }
      }
      b_s[kk * TN + col] = v;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < TK; kk++) {
      let ai = kk * TM + lid.y;
      let bi = kk * TN + lid.x;
      let bv = vec4<f32>(b_s[bi], b_s[bi + WG_N], b_s[bi + 2u * WG_N], b_s[bi + 3u * WG_N]);
      acc0 = fma(vec4<f32>(a_s[ai]), bv, acc0);
      acc1 = fma(vec4<f32>(a_s[ai + WG_M]), bv, acc1);
      acc2 = fma(vec4<f32>(a_s[ai + 2u * WG_M]), bv, acc2);
      acc3 = fma(vec4<f32>(a_s[ai + 3u * WG_M]), bv, acc3);
    }
    workgroupBarrier();
  }

  store_row(m0 + lid.y, n0 + lid.x, n_pix, acc0);
  store_row(m0 + lid.y + WG_M, n0 + lid.x, n_pix, acc1);
  store_row(m0 + lid.y + 2u * WG_M, n0 + lid.x, n_pix, acc2);
  store_row(m0 + lid.y + 3u * WG_M, n0 + lid.x, n_pix, acc3);
}

/// Output channel m at pixels n, n + WG_N, n + 2·WG_N, n + 3·WG_N (those inside the image), plus the bias.
fn store_row(m: u32, n: u32, n_pix: u32, v: vec4<f32>) {
  if (m >= p.cout) { return; }
  let bm = bias[m];
  for (var j = 0u; j < RN; j++) {
    let nj = n + j * WG_N;
    if (nj < n_pix) { out[m * n_pix + nj] = v[j] + bm; }
  }
}
