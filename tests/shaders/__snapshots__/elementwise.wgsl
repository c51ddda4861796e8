// elementwise
// parts: elementwise
// ---- part: elementwise
// elementwise: the pointwise family, one op per pipeline (override OP), plus a tiled 2-D transpose.
// Element i of the result (i < n), with row = i / cols, col = i % cols and av the first operand:
//   OP 0 add       av + b[i]                     OP 5 silu_mul  silu(av) * b[i]        (SwiGLU)
//   OP 1 mul       av * b[i]                     OP 6 gated     av + tanh(c[g*g_stride + g_off + col]) * b[i]
//   OP 2 add_row   av + b[col]   (bias)          OP 7 blend     m*av + (1 - m)*b[i], m = c[col] (mask over C)
//   OP 3 scale     av * alpha                    OP 8 copy      av
//   OP 9 affine    av * alpha + beta
//   OP 4 silu      av / (1 + exp(-av))
// g = sel[row] (u32, clamped to groups-1) when has_sel, else 0.
// Entry `main`: out[dst_off + i] = f(a[src_off + i % period]) (period = n except when broadcasting a row).
// Entry `main_ip`: out[i] = f(out[i]): in place on the first operand.
// Bindings (main, main_ip): 0 params, 1 b, 2 c, 3 sel (read), 4 out (read_write), 5 a (read; main only). Operands
//   an op does not read are bound to a placeholder: layout 'auto' keeps every binding the code names.
// Dispatch: ceil(n / WG) workgroups folded into (x, y) by grid(); one element per invocation.
// Entry `transpose`: out (cols, rows) = a (rows, cols)^T through a TILE x (TILE+1) workgroup tile (the +1 column
//   keeps the column reads free of bank conflicts), reads and writes both coalesced. Bindings: 0 params, 1 t_in
//   (read), 2 t_out (read_write). Dispatch: ceil(rows/TILE)*ceil(cols/TILE) workgroups of TILE x TILE, folded.
override OP: u32 = 0;
override WG: u32 = 256;
override TILE: u32 = 16;

struct Params {
  n: u32, // elements produced
  cols: u32, // row width (broadcast ops), H*W for blend, transpose: columns of a
  row_stride: u32, // invocations per grid row = num_workgroups.x * WG
  src_off: u32, // elements
  dst_off: u32, // elements
  period: u32, // elements of a that repeat (copy of a broadcast row)
  g_stride: u32, // elements between gate rows
  g_off: u32, // elements, column offset into a gate row
  groups: u32,
  has_sel: u32,
  alpha: f32,
  rows: u32, // transpose: rows of a
  beta: f32, // affine offset
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> bv: array<f32>;
@group(0) @binding(2) var<storage, read> cv: array<f32>;
@group(0) @binding(3) var<storage, read> sel: array<u32>;
@group(0) @binding(4) var<storage, read_write> o: array<f32>;
@group(0) @binding(5) var<storage, read> a: array<f32>;

fn silu(v: f32) -> f32 {
  return v / (1.0 + exp(-v));
}

fn apply(i: u32, av: f32) -> f32 {
  switch OP {
    case 0u: { return av + bv[i]; }
    case 1u: { return av * bv[i]; }
    case 2u: { return av + bv[i % p.cols]; }
    case 3u: { return av * p.alpha; }
    case 4u: { return silu(av); }
    case 9u: { return av * p.alpha + p.beta; }
    case 5u: { return silu(av) * bv[i]; }
    case 6u: {
      var g = 0u;
      if (p.has_sel != 0u) { g = min(sel[i / p.cols], p.groups - 1u); }
      // tanh(10) is 1 in f32; the clamp keeps backends that build tanh from exp from returning inf/inf = NaN.
      let gate = tanh(clamp(cv[g * p.g_stride + p.g_off + i % p.cols], -10.0, 10.0));
      return av + gate * bv[i];
    }
    case 7u: {
      let m = cv[i % p.cols];
      return m * av + (1.0 - m) * bv[i];
    }
    default: { return av; }
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * p.row_stride;
  if (i >= p.n) { return; }
  o[p.dst_off + i] = apply(i, a[p.src_off + i % p.period]);
}

@compute @workgroup_size(WG)
fn main_ip(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * p.row_stride;
  if (i >= p.n) { return; }
  o[i] = apply(i, o[i]);
}

@group(0) @binding(1) var<storage, read> t_in: array<f32>;
@group(0) @binding(2) var<storage, read_write> t_out: array<f32>;
var<workgroup> tile: array<f32, TILE * (TILE + 1u)>;

@compute @workgroup_size(TILE, TILE)
fn transpose(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
             @builtin(local_invocation_id) lid: vec3<u32>) {
  let tiles_x = (p.cols + TILE - 1u) / TILE;
  let tiles_y = (p.rows + TILE - 1u) / TILE;
  let t = wid.x + wid.y * nwg.x;
  if (t >= tiles_x * tiles_y) { return; }
  let c0 = (t % tiles_x) * TILE;
  let r0 = (t / tiles_x) * TILE;
  let r = r0 + lid.y;
  let c = c0 + lid.x;
  if (r < p.rows && c < p.cols) { tile[lid.y * (TILE + 1u) + lid.x] = t_in[r * p.cols + c]; }
  workgroupBarrier();
  // Thread (x, y) writes out[c0 + y][r0 + x] = a[r0 + x][c0 + y]: consecutive x, consecutive addresses.
  let orow = c0 + lid.y;
  let ocol = r0 + lid.x;
  if (orow < p.cols && ocol < p.rows) { t_out[orow * p.rows + ocol] = tile[lid.x * (TILE + 1u) + lid.y]; }
}
