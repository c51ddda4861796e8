// matmul_naive: y = x · Wᵀ, deliberately naive — the benchmark's baseline for the tiled kernels of matmul.wgsl.
// One output element per invocation, no workgroup memory: every invocation reads a full row of x and of W from
// storage (neighbouring invocations read rows of W K elements apart).
// Composed by src/engine/kernels/matmulNaive.ts: generated bindings (0 params, 1 x, weight buffers, then y) +
// one weight format of the matmul family (matmul_f32 / f16 / quant, WT -> w0) + this body.
// Layout: x f32 (M, K), W (N, K), y f32 (M, N). Dispatch: ceil(M·N / WG) workgroups folded into (x, y) by grid().
override WG: u32 = 64;
override QBITS: u32 = 4u;          // read by matmul_quant.wgsl
override QPARAM_F32: bool = false; // read by matmul_quant.wgsl

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * p.gx * WG;
  if (i >= p.M * p.N) { return; }
  let m = i / p.N;
  let n = i % p.N;
  var acc = 0.0;
  for (var k = 0u; k < p.K; k++) {
    acc += x[m * p.K + k] * w0_at(n, k);
  }
  y[i] = acc;
}
