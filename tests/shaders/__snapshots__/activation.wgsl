// activation
// parts: activation
// ---- part: activation
// activation: the pointwise non-linearities of the tiny autoencoder (TAEF1), one op per pipeline (override OP).
// Element i of the result (i < n), av = a[i] (entry `main`) or out[i] (entry `main_ip`, in place):
//   OP 0 relu         max(av, 0)
//   OP 1 add_relu     max(av + b[i], 0)            (a residual Block's sum and its fuse ReLU, in one pass)
//   OP 2 tanh_clamp   alpha * tanh(av / alpha)     (TAESD's Clamp: a soft limit of +-alpha on the latents)
// Bindings (main): 0 params, 1 b (read), 2 out (read_write), 3 a (read). main_ip: 0, 1, 2 only.
//   An op that does not read b gets a placeholder (layout 'auto' keeps every binding the entry names).
// Dispatch: ceil(n / WG) workgroups folded into (x, y) by grid(); one element per invocation.
override OP: u32 = 0;
override WG: u32 = 256;

struct Params {
  n: u32, // elements
  row_stride: u32, // invocations per grid row = num_workgroups.x * WG
  alpha: f32,
  _pad: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> o: array<f32>;
@group(0) @binding(3) var<storage, read> a: array<f32>;

fn apply(i: u32, av: f32) -> f32 {
  switch OP {
    case 0u: { return max(av, 0.0); }
    case 1u: { return max(av + b[i], 0.0); }
    case 2u: {
      // tanh(12) is 1 in f32; the clamp keeps backends that build tanh from exp from returning inf/inf = NaN.
      return p.alpha * tanh(clamp(av / p.alpha, -12.0, 12.0));
    }
    default: { return av; }
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * p.row_stride;
  if (i >= p.n) { return; }
  o[i] = apply(i, a[i]);
}

@compute @workgroup_size(WG)
fn main_ip(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * p.row_stride;
  if (i >= p.n) { return; }
  o[i] = apply(i, o[i]);
}
