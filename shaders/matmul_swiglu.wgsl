// matmul weight set "swiglu": gate w0 and up w1, both (N, K) in one format. Virtual columns interleave them,
// vn = 2n (gate row n) and 2n + 1 (up row n), so one pass over x feeds both accumulators and every store sees
// a (gate, up) pair: y[m, col0 + n] = silu(gate) * up, silu(g) = g / (1 + exp(-g)).
fn vcols() -> u32 {
  return 2u * p.N;
}

/// Virtual rows vn .. vn+4 (vn a multiple of 4: gate n, up n, gate n+1, up n+1) at column k (tiled kernel).
fn load_w4(vn: u32, k: u32) -> vec4<f32> {
  var v = vec4<f32>(0.0);
  if (k >= p.K) { return v; }
  let n = vn / 2u;
  if (n < p.N) {
    v.x = w0_at(n, k);
    v.y = w1_at(n, k);
  }
  if (n + 1u < p.N) {
    v.z = w0_at(n + 1u, k);
    v.w = w1_at(n + 1u, k);
  }
  return v;
}

/// Virtual row vn (< vcols), columns k .. k+8 (matvec kernel; uniform per group of invocations).
fn load_w8(vn: u32, k: u32) -> mat2x4<f32> {
  if ((vn & 1u) == 0u) { return w0_chunk(vn / 2u, k); }
  return w1_chunk(vn / 2u, k);
}

fn store2(m: u32, vn: u32, v: vec2<f32>) {
  let n = vn / 2u;
  if (n >= p.N) { return; }
  y[m * p.ldy + p.col0 + n] = v.x / (1.0 + exp(-v.x)) * v.y;
}
