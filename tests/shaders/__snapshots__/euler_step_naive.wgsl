// euler_step_naive
// parts: euler_step_naive
// ---- part: euler_step_naive
// euler_step_naive: the bench's deliberately naive baseline for shaders/euler_step.wgsl, written the way a
// plain op-by-op graph executor would run z += dt * v: two unfused passes through memory with a temporary
// (t = dt * v, then z = z + t), small workgroups, one element per invocation, no grid folding beyond what the
// limit forces. It reads/writes 5n floats where the fused kernel moves 3n, and pays two dispatches.
// Layout: z, v, t f32 [n]. Bindings: 0 params, 1 src (read), 2 dst (read_write); `scale` runs with
// (src v, dst t), `add` with (src t, dst z), so each entry point uses every binding of the shared layout.
// Dispatch: ceil(n / WG) workgroups folded into (x, y) per entry point.
override WG: u32 = 64;

struct Params {
  n: u32,
  dt: f32,
  row_stride: u32, // invocations per grid row
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read_write> dst: array<f32>;

@compute @workgroup_size(WG)
fn scale(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * p.row_stride;
  if (i >= p.n) { return; }
  dst[i] = p.dt * src[i];
}

@compute @workgroup_size(WG)
fn add(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * p.row_stride;
  if (i >= p.n) { return; }
  dst[i] = dst[i] + src[i];
}
