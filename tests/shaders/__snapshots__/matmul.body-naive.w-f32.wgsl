// matmul[body=naive,w=f32]
// parts: bindings, matmul_f32<WT=w0>, matmul_naive
// ---- part: bindings
struct Params { M: u32, N: u32, K: u32, gx: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> w0_data: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
// ---- part: matmul_f32<WT=w0>
// matmul weight format f32 (template: `instantiate` in src/engine/compose.ts
// replaces WT with the weight's name, w0 or w1).
// Binding w0_data: array<f32>, W (N, K) row-major. Callers keep n < N and k < K for w0_at; w0_chunk zero-fills
// past K (any K, odd included, so rows need not be aligned: scalar loads).
fn w0_at(n: u32, k: u32) -> f32 {
  return w0_data[n * p.K + k];
}

/// W[n, k .. k+8] as two vec4 (k a multiple of 8).
fn w0_chunk(n: u32, k: u32) -> mat2x4<f32> {
  let base = n * p.K + k;
  if (k + 8u <= p.K) {
    return mat2x4<f32>(w0_data[base], w0_data[base + 1u], w0_data[base + 2u], w0_data[base + 3u],
                       w0_data[base + 4u], w0_data[base + 5u], w0_data[base + 6u], w0_data[base + 7u]);
  }
  var v = mat2x4<f32>();
  for (var i = 0u; i < 8u; i++) {
    if (k + i < p.K) { v[i / 4u][i % 4u] = w0_data[base + i]; }
  }
  return v;
}

// ---- part: matmul_naive
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
