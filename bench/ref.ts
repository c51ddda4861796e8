// CPU references the bench checks every implementation against (ours, naive, ORT) before timing it, and that
// tests/bench/onnx.test.ts checks the ONNX models against. Plain loops, accumulated in f64.

/** y (M, N) = x (M, K) · wᵀ with w (N, K). */
export function matmulRef(x: Float32Array, w: Float32Array, M: number, K: number, N: number): Float32Array {
  const y = new Float32Array(M * N); // (M, N)
  for (let m = 0; m < M; m++)
    for (let n = 0; n < N; n++) {
      let acc = 0;
      for (let k = 0; k < K; k++) acc += x[m * K + k] * w[n * K + k];
      y[m * N + n] = acc;
    }
  return y;
}

export interface AttentionShape {
  L: number; // query tokens
  Lk: number; // key/value tokens
  heads: number;
  kvHeads: number; // divides heads (grouped-query when smaller)
  headDim: number;
  causal: boolean;
}

/**
 * softmax(q kᵀ / sqrt(hd)) v per head, token-major: q (L, heads·hd), k and v (Lk, kvHeads·hd), out (L, heads·hd).
 * Causal aligns the last query with the last key (query i sees keys j <= i + Lk - L).
 */
export function attentionRef(q: Float32Array, k: Float32Array, v: Float32Array, s: AttentionShape): Float32Array {
  const { L, Lk, heads, kvHeads, headDim: hd } = s;
  const D = heads * hd;
  const Dk = kvHeads * hd;
  const group = heads / kvHeads;
  const scale = 1 / Math.sqrt(hd);
  const out = new Float32Array(L * D); // (L, heads·hd)
  const scores = new Float64Array(Lk);
  for (let h = 0; h < heads; h++) {
    const kh = Math.floor(h / group);
    for (let i = 0; i < L; i++) {
      const last = s.causal ? Math.min(Lk - 1, i + Lk - L) : Lk - 1;
      let max = -Infinity;
      for (let j = 0; j <= last; j++) {
        let dot = 0;
        for (let d = 0; d < hd; d++) dot += q[i * D + h * hd + d] * k[j * Dk + kh * hd + d];
        scores[j] = dot * scale;
        if (scores[j] > max) max = scores[j];
      }
      let sum = 0;
      for (let j = 0; j <= last; j++) {
        scores[j] = Math.exp(scores[j] - max);
        sum += scores[j];
      }
      for (let d = 0; d < hd; d++) {
        let acc = 0;
        for (let j = 0; j <= last; j++) acc += scores[j] * v[j * Dk + kh * hd + d];
        out[i * D + h * hd + d] = acc / sum;
      }
    }
  }
  return out;
}

export interface Conv2dRefShape {
  C: number;
  H: number;
  W: number;
  Cout: number;
  kernel: number;
  stride: number;
  /** [top, left, bottom, right] (elements) */
  pads: readonly [number, number, number, number];
}

/** Cross-correlation like ONNX Conv / PyTorch: x (C, H, W), w (Cout, C, k, k), bias (Cout) -> (Cout, Ho, Wo). */
export function conv2dRef(x: Float32Array, w: Float32Array, bias: Float32Array, s: Conv2dRefShape): Float32Array {
  const { C, H, W, Cout, kernel: kk, stride } = s;
  const Ho = Math.floor((H + s.pads[0] + s.pads[2] - kk) / stride) + 1;
  const Wo = Math.floor((W + s.pads[1] + s.pads[3] - kk) / stride) + 1;
  const y = new Float32Array(Cout * Ho * Wo); // (Cout, Ho, Wo)
  for (let o = 0; o < Cout; o++)
    for (let oy = 0; oy < Ho; oy++)
      for (let ox = 0; ox < Wo; ox++) {
        let acc = bias[o];
        for (let c = 0; c < C; c++)
          for (let ky = 0; ky < kk; ky++) {
            const iy = oy * stride + ky - s.pads[0];
            if (iy < 0 || iy >= H) continue;
            for (let kx = 0; kx < kk; kx++) {
              const ix = ox * stride + kx - s.pads[1];
              if (ix < 0 || ix >= W) continue;
              acc += x[(c * H + iy) * W + ix] * w[((o * C + c) * kk + ky) * kk + kx];
            }
          }
        y[(o * Ho + oy) * Wo + ox] = acc;
      }
  return y;
}

/** Row-wise LayerNorm without affine: x (rows, D). */
export function layerNormRef(x: Float32Array, rows: number, D: number, eps: number): Float32Array {
  const y = new Float32Array(rows * D);
  for (let r = 0; r < rows; r++) {
    let mean = 0;
    for (let d = 0; d < D; d++) mean += x[r * D + d];
    mean /= D;
    let v = 0;
    for (let d = 0; d < D; d++) v += (x[r * D + d] - mean) ** 2;
    const inv = 1 / Math.sqrt(v / D + eps);
    for (let d = 0; d < D; d++) y[r * D + d] = (x[r * D + d] - mean) * inv;
  }
  return y;
}

/** Row-wise RMSNorm with weight: x (rows, D), weight (D). */
export function rmsNormRef(x: Float32Array, weight: Float32Array, rows: number, D: number, eps: number): Float32Array {
  const y = new Float32Array(rows * D);
  for (let r = 0; r < rows; r++) {
    let ss = 0;
    for (let d = 0; d < D; d++) ss += x[r * D + d] ** 2;
    const inv = 1 / Math.sqrt(ss / D + eps);
    for (let d = 0; d < D; d++) y[r * D + d] = x[r * D + d] * inv * weight[d];
  }
  return y;
}
