// row_norm_io: what rms_norm.wgsl and layer_norm.wgsl share, the part before each (src/engine/kernels/rowNorm.ts):
// the variant switches, the uniform block and the bindings 0 params, 1 x (read_write: in place when IN_PLACE),
// 2 y (read_write), 3 s, 4 sel (read). Inputs a variant does not read are bound to a placeholder: layout 'auto'
// keeps every binding the code names. A kernel's own inputs follow from binding 5.
override WG: u32 = 256;
override HAS_SCALE: bool = false;
override HAS_SEL: bool = false;
override IN_PLACE: bool = false;

struct Params {
  rows: u32,
  cols: u32,
  eps: f32,
  s_stride: u32, // elements between rows of s
  s_off: u32, // elements, column offset into a row of s
  groups: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<storage, read> s: array<f32>;
@group(0) @binding(4) var<storage, read> sel: array<u32>;
