// canny
// parts: canny
// ---- part: canny
// canny: Canny edges of an RGBA8 image, in exact integer arithmetic (so the GPU equals the CPU reference bit for bit).
//   luma   = (77 R + 150 G + 29 B) >> 8                                  (0..255)
//   blur   = sum of [1 2 1]^T [1 2 1] * luma over 3x3, edges clamped     (0..4080, 16x the Gaussian)
//   sobel  gx, gy of blur (edges clamped); mag2 = gx^2 + gy^2; direction by |gy| vs tan(22.5°) |gx| in integers
//            (0: horizontal gradient, 1: 45°, 2: vertical, 3: 135°); packed as mag2 << 2 | dir (u32)
//   nms    keep a pixel when mag2 > the neighbour behind along the gradient and >= the one ahead; border pixels 0;
//          class 2 = strong (mag2 >= high2), 1 = weak (>= low2), 0 = none (thresholds squared, in blur units)
//   grow   one hysteresis pass (ping-pong): a weak pixel with a strong 8-neighbour becomes strong
//   edges  out f32 = 1 for strong, else 0
// Layout: img u32 (H, W) RGBA8 packed little-endian; work buffers u32 (H, W); out f32 (H, W).
// Bindings: 0 params, 1 src (read), 2 dst (read_write). Dispatch: (ceil(W / 8), ceil(H / 8)), one pixel per invocation.
struct Params {
  w: u32,
  h: u32,
  low2: u32,
  high2: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> src: array<u32>;
@group(0) @binding(2) var<storage, read_write> dst: array<u32>;

fn at(x: i32, y: i32) -> u32 {
  let cx = u32(clamp(x, 0, i32(p.w) - 1));
  let cy = u32(clamp(y, 0, i32(p.h) - 1));
  return src[cy * p.w + cx];
}

fn luma(rgba: u32) -> u32 {
  return (77u * (rgba & 255u) + 150u * ((rgba >> 8u) & 255u) + 29u * ((rgba >> 16u) & 255u)) >> 8u;
}

@compute @workgroup_size(8, 8)
fn blur(@builtin(global_invocation_id) g: vec3<u32>) {
  if (g.x >= p.w || g.y >= p.h) { return; }
  let x = i32(g.x);
  let y = i32(g.y);
  var s = 0u;
  for (var dy = -1; dy <= 1; dy++) {
    for (var dx = -1; dx <= 1; dx++) {
      let k = u32((2 - abs(dx)) * (2 - abs(dy)));
      s += k * luma(at(x + dx, y + dy));
    }
  }
  dst[g.y * p.w + g.x] = s;
}

@compute @workgroup_size(8, 8)
fn sobel(@builtin(global_invocation_id) g: vec3<u32>) {
  if (g.x >= p.w || g.y >= p.h) { return; }
  let x = i32(g.x);
  let y = i32(g.y);
  let gx = i32(at(x + 1, y - 1)) + 2 * i32(at(x + 1, y)) + i32(at(x + 1, y + 1)) - i32(at(x - 1, y - 1)) - 2 * i32(at(x - 1, y)) - i32(at(x - 1, y + 1));
  let gy = i32(at(x - 1, y + 1)) + 2 * i32(at(x, y + 1)) + i32(at(x + 1, y + 1)) - i32(at(x - 1, y - 1)) - 2 * i32(at(x, y - 1)) - i32(at(x + 1, y - 1));
  let ax = u32(abs(gx));
  let ay = u32(abs(gy));
  var dir = 1u; // 45°: gx and gy of the same sign
  if (ay * 1000u <= ax * 414u) { dir = 0u; } else if (ay * 414u >= ax * 1000u) { dir = 2u; } else if ((gx < 0) != (gy < 0)) { dir = 3u; }
  dst[g.y * p.w + g.x] = ((ax * ax + ay * ay) << 2u) | dir;
}

@compute @workgroup_size(8, 8)
fn nms(@builtin(global_invocation_id) g: vec3<u32>) {
  if (g.x >= p.w || g.y >= p.h) { return; }
  let i = g.y * p.w + g.x;
  if (g.x == 0u || g.y == 0u || g.x + 1u == p.w || g.y + 1u == p.h) { dst[i] = 0u; return; }
  let v = src[i];
  let m = v >> 2u;
  var d = vec2<i32>(1, 0);
  switch (v & 3u) {
    case 1u: { d = vec2<i32>(1, 1); }
    case 2u: { d = vec2<i32>(0, 1); }
    case 3u: { d = vec2<i32>(1, -1); }
    default: {}
  }
  let x = i32(g.x);
  let y = i32(g.y);
  let behind = at(x - d.x, y - d.y) >> 2u;
  let ahead = at(x + d.x, y + d.y) >> 2u;
  var c = 0u;
  if (m > behind && m >= ahead && m >= p.low2) { c = select(1u, 2u, m >= p.high2); }
  dst[i] = c;
}

@compute @workgroup_size(8, 8)
fn grow(@builtin(global_invocation_id) g: vec3<u32>) {
  if (g.x >= p.w || g.y >= p.h) { return; }
  let i = g.y * p.w + g.x;
  var c = src[i];
  if (c == 1u) {
    for (var dy = -1; dy <= 1; dy++) {
      for (var dx = -1; dx <= 1; dx++) {
        let nx = i32(g.x) + dx;
        let ny = i32(g.y) + dy;
        if (nx >= 0 && ny >= 0 && nx < i32(p.w) && ny < i32(p.h) && src[u32(ny) * p.w + u32(nx)] == 2u) { c = 2u; }
      }
    }
  }
  dst[i] = c;
}

@compute @workgroup_size(8, 8)
fn edges(@builtin(global_invocation_id) g: vec3<u32>) {
  if (g.x >= p.w || g.y >= p.h) { return; }
  let i = g.y * p.w + g.x;
  dst[i] = select(0u, 0x3f800000u, src[i] == 2u); // f32 1.0 where strong
}
