// euler_step
// parts: euler_step
// ---- part: euler_step
// euler_step: the flow-match Euler update, in place on the latents.
//   z[i] = z[i] + dt * v[i]        (v = the velocity, dt = sigma_next - sigma, negative while denoising)
// Layout: z, v f32 [n]. Bindings: 0 params, 1 z (read_write), 2 v (read).
// Dispatch: ceil(n / WG) workgroups, folded into (x, y) by grid(); one element per invocation.
override WG: u32 = 256;

struct Params {
  n: u32,
  dt: f32,
  row_stride: u32, // invocations per grid row = num_workgroups.x * WG
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> z: array<f32>;
@group(0) @binding(2) var<storage, read> v: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * p.row_stride;
  if (i >= p.n) { return; }
  z[i] = z[i] + p.dt * v[i];
}
