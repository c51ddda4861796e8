// rope
// parts: rope
// ---- part: rope
// rope: rotary position embedding, in place on x (L, H, hd), with cos/sin tables (>= L, hd/2) built on the CPU.
// Each pair (a, b) of a head is rotated by the angle of table column j of its token l:
//   a' = a cos - b sin,  b' = a sin + b cos.
// HALF = false, Z-Image complex pairs: a = x[2j], b = x[2j + 1] (adjacent channels).
// HALF = true, Qwen3 rotate-half: a = x[j], b = x[j + hd/2] (out[j] = x1 cos - x2 sin, out[j+hd/2] = x2 cos + x1 sin).
// Layout: x f32 (L, H, hd) row-major; cos, sin f32 (Lt, hd/2) with Lt >= L, row l used for token l.
// Bindings: 0 params, 1 x (read_write), 2 cos (read), 3 sin (read).
// Dispatch: ceil(L*H*hd/2 / WG) workgroups, folded into (x, y) by grid(); one pair per invocation.
override WG: u32 = 256;
override HALF: bool = false;

struct Params {
  pairs: u32, // L * H * hd/2
  heads: u32,
  half: u32, // hd / 2
  row_stride: u32, // invocations per grid row = num_workgroups.x * WG
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> x: array<f32>;
@group(0) @binding(2) var<storage, read> cos_t: array<f32>;
@group(0) @binding(3) var<storage, read> sin_t: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * p.row_stride;
  if (i >= p.pairs) { return; }
  let j = i % p.half; // table column
  let head = i / p.half; // l * H + h
  let l = head / p.heads;
  let base = head * p.half * 2u; // first element of this head
  var ia = base + 2u * j;
  var ib = ia + 1u;
  if (HALF) {
    ia = base + j;
    ib = ia + p.half;
  }
  let c = cos_t[l * p.half + j];
  let s = sin_t[l * p.half + j];
  let a = x[ia];
  let b = x[ib];
  x[ia] = a * c - b * s;
  x[ib] = a * s + b * c;
}
