// conv2d_naive
// parts: conv2d_naive
// ---- part: conv2d_naive
// conv2d_naive: the deliberately direct convolution, kept as the benchmark baseline for shaders/conv2d.wgsl.
//   One output per invocation, loops over Cin x KH x KW reading x and w straight from storage: no tiling,
//   no workgroup memory, no reuse. Same semantics as conv2d.wgsl (zero padding pad_t/pad_l above/left; the
//   bottom/right padding is implied by Ho, Wo).
// Layout: x f32 (Cin, H, W); w as u32 words (f32 bits, or f16 packed two per word when W_F16); bias f32 (Cout);
//   out f32 (Cout, Ho, Wo).
// Bindings: 0 params, 1 x (read), 2 w (read), 3 bias (read), 4 out (read_write).
// Dispatch: ceil(Cout*Ho*Wo / WG) workgroups folded into (x, y) by grid(); row_stride = gx * WG.
override WG: u32 = 256;
override KH: u32 = 3;
override KW: u32 = 3;
override S: u32 = 1;
override W_F16: bool = false;

struct Params {
  cin: u32,
  h: u32,
  w: u32,
  cout: u32,
  ho: u32,
  wo: u32,
  pad_t: u32,
  pad_l: u32,
  row_stride: u32, // invocations per grid row
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> wt: array<u32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

fn weight(e: u32) -> f32 {
  if (W_F16) {
    let pair = unpack2x16float(wt[e >> 1u]);
    return select(pair.x, pair.y, (e & 1u) == 1u);
  }
  return bitcast<f32>(wt[e]);
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * p.row_stride;
  let n_pix = p.ho * p.wo;
  if (i >= p.cout * n_pix) { return; }
  let co = i / n_pix;
  let pix = i - co * n_pix;
  let oy = pix / p.wo;
  let ox = pix - oy * p.wo;
  var acc = 0.0;
  for (var ci = 0u; ci < p.cin; ci++) {
    for (var ky = 0u; ky < KH; ky++) {
      let iy = i32(oy * S + ky) - i32(p.pad_t);
      if (iy < 0 || iy >= i32(p.h)) { continue; }
      for (var kx = 0u; kx < KW; kx++) {
        let ix = i32(ox * S + kx) - i32(p.pad_l);
        if (ix < 0 || ix >= i32(p.w)) { continue; }
        acc = fma(weight(((co * p.cin + ci) * KH + ky) * KW + kx), x[(ci * p.h + u32(iy)) * p.w + u32(ix)], acc);
      }
    }
  }
  out[i] = acc + bias[co];
}
