// matmul[body=naive,w=f16]
// parts: bindings, matmul_f16<WT=w0>, matmul_naive
// ---- part: bindings
struct Params { M: u32, N: u32, K: u32, gx: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> w0_data: array<u32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
// ---- part: matmul_f16<WT=w0>
// matmul weight format f16 (template: `instantiate` in src/engine/compose.ts
// replaces WT with the weight's name, w0 or w1).
// Binding w0_data: array<u32>, W (N, K) row-major as IEEE halves, element i in word i/2 (low half first).
// With odd K a row starts mid-word, so the aligned 4-word path is taken only when the chunk starts on a word.
fn w0_half(i: u32) -> f32 {
  let h = unpack2x16float(w0_data[i >> 1u]);
  return select(h.x, h.y, (i & 1u) == 1u);
}

fn w0_at(n: u32, k: u32) -> f32 {
  return w0_half(n * p.K + k);
}

/// W[n, k .. k+8] as two vec4 (k a multiple of 8), zero past K.
fn w0_chunk(n: u32, k: u32) -> mat2x4<f32> {
  let base = n * p.K + k;
  if (k + 8u <= p.K && (base & 1u) == 0u) {
    let i = base >> 1u;
    let a = unpack2x16float(w0_data[i]);
    let b = unpack2x16float(w0_data[i + 1u]);
    let c = unpack2x16float(w0_data[i + 2u]);
    let d = unpack2x16float(w0_data[i + 3u]);
    return mat2x4<f32>(vec4<f32>(a, b), vec4<f32>(c, d));
  }
  var v = mat2x4<f32>();
  for (var i = 0u; i < 8u; i++) {
    if (k + i < p.K) { v[i / 4u][i % 4u] = w0_half(base + i); }
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
