// CPU references the bench checks every implementation against (ours, naive, ORT) before timing it, and that
// tests/bench/onnx.test.ts checks the ONNX models against: the engine's own references (src/engine/ref/), in the
// argument shapes the bench cases use.
import { attentionRef as engineAttention } from '../src/engine/ref/attention.ts';
import { conv2dRef as engineConv } from '../src/engine/ref/conv2d.ts';
import { layerNormRef as engineLayerNorm } from '../src/engine/ref/layerNorm.ts';
import { rmsNormRef as engineRmsNorm } from '../src/engine/ref/rmsNorm.ts';

/** y (M, N) = x (M, K) · wᵀ with w (N, K). */
export { matmulRef } from '../src/engine/ref/matmul.ts';

export interface AttentionShape {
  L: number; // query tokens
  Lk: number; // key/value tokens
  heads: number;
  kvHeads: number; // divides heads (grouped-query when smaller)
  headDim: number;
  causal: boolean; // only with L == Lk (as the kernel)
}

/** softmax(q kᵀ / sqrt(hd)) v per head: q (L, heads·hd), k and v (Lk, kvHeads·hd) -> (L, heads·hd). */
export function attentionRef(q: Float32Array, k: Float32Array, v: Float32Array, s: AttentionShape): Float32Array {
  if (s.causal && s.L !== s.Lk) throw new RangeError('attentionRef: causal needs L == Lk');
  return engineAttention(q, k, v, { heads: s.heads, kvHeads: s.kvHeads, headDim: s.headDim, causal: s.causal });
}

export interface Conv2dRefShape {
  C: number;
  H: number;
  W: number;
  Cout: number;
  kernel: number;
  stride: number;
  /** [top, left, bottom, right] (elements): the VAE's two cases, 'same' and the (0, 0, 1, 1) downsample. */
  pads: readonly [number, number, number, number];
}

/** Cross-correlation like ONNX Conv: x (C, H, W), w (Cout, C, k, k), bias (Cout) -> (Cout, Ho, Wo). */
export function conv2dRef(x: Float32Array, w: Float32Array, bias: Float32Array, s: Conv2dRefShape): Float32Array {
  const p = s.pads.join(',');
  const same = (s.kernel - 1) / 2;
  const padding = p === [same, same, same, same].join(',') ? 'same' : p === '0,0,1,1' && s.stride === 2 ? 'vae-down' : null;
  if (!padding) throw new RangeError(`conv2dRef: pads [${p}] are not one of the VAE's padding modes`);
  return engineConv(x, [s.C, s.H, s.W], w, [s.Cout, s.C, s.kernel, s.kernel], bias, { stride: s.stride, padding }).data;
}

/** Row-wise LayerNorm without affine: x (rows, D). */
export const layerNormRef = (x: Float32Array, _rows: number, D: number, eps: number): Float32Array => engineLayerNorm(x, D, eps);

/** Row-wise RMSNorm with weight: x (rows, D), weight (D). */
export const rmsNormRef = (x: Float32Array, weight: Float32Array, _rows: number, D: number, eps: number): Float32Array => engineRmsNorm(x, D, eps, weight);
