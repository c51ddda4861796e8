// upsample_nearest2x
// parts: upsample_nearest2x
// ---- part: upsample_nearest2x
// upsample_nearest2x: nearest-neighbour x2 upsampling (torch F.interpolate(scale_factor=2, mode='nearest')).
//   out[c, y, x] = in[c, y >> 1, x >> 1]
// Layout: in f32 (C, H, W); out f32 (C, 2H, 2W); channels-first, batch 1.
// Bindings: 0 params, 1 x (read), 2 out (read_write).
// Dispatch: (ceil(4*H*W / (WG*PER)), C); one channel per workgroup row (no division by the plane size per
//   element), PER outputs per thread strided by WG so consecutive threads write consecutive words.
override WG: u32 = 256;
const PER: u32 = 4;

struct Params {
  h: u32,
  w: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let c = wid.y;
  let w2 = 2u * p.w;
  let plane2 = 4u * p.h * p.w; // output elements per channel
  let first = wid.x * WG * PER + lid.x;
  for (var k = 0u; k < PER; k++) {
    let i = first + k * WG;
    if (i >= plane2) { return; }
    let oy = i / w2;
    let ox = i - oy * w2;
    out[c * plane2 + i] = x[(c * p.h + (oy >> 1u)) * p.w + (ox >> 1u)];
  }
}
