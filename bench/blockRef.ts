// CPU references of one DiT block and one Qwen3 decoder layer, composed from the engine's op references
// (src/engine/ref/*) in the order the model code runs them (models/zimage/transformer.ts block(),
// textEncoder.ts qwen3Layer()). Weights are the dense values the quantized forms stand for. Naive loops: only for
// the small-width rows (a full-width block at L=256 is ~90 GFLOP).
import { attentionRef } from '../src/engine/ref/attention.ts';
import { addRef, gatedResidualRef } from '../src/engine/ref/elementwise.ts';
import { matmulRef, matmulSwiGLURef } from '../src/engine/ref/matmul.ts';
import { rmsNormRef } from '../src/engine/ref/rmsNorm.ts';
import { ropeRef } from '../src/engine/ref/rope.ts';
import type { DitBlockParams, DitBlockShape, Qwen3LayerParams, Qwen3LayerShape } from './blockModels.ts';
import { dequantNBits } from './blockWeights.ts';

/** QK-norm per head, then RoPE: x (L, heads·hd). */
function normRope(x: Float32Array, norm: Float32Array, eps: number, cos: Float32Array, sin: Float32Array, heads: number, hd: number, half: boolean): Float32Array {
  return ropeRef(rmsNormRef(x, hd, eps, norm), cos, sin, heads, hd, half);
}

/** x (L, D), temb (1, adaDim) -> the block's output (L, D). */
export function ditBlockRef(s: DitBlockShape, p: DitBlockParams, x: Float32Array, temb: Float32Array): Float32Array {
  const { L, D, heads: H, headDim: hd, F, eps } = s;
  const m4 = matmulRef(temb, dequantNBits(p.adaLN), 1, s.adaDim, 4 * D, p.adaLNBias); // (1, 4D)
  const mod = (offset: number) => ({ scale: m4, stride: 4 * D, offset });

  const xn = rmsNormRef(x, D, eps, p.attentionNorm1, mod(0)); // (L, D)
  const q = normRope(matmulRef(xn, dequantNBits(p.toQ), L, D, D), p.normQ, eps, p.cos, p.sin, H, hd, false);
  const k = normRope(matmulRef(xn, dequantNBits(p.toK), L, D, D), p.normK, eps, p.cos, p.sin, H, hd, false);
  const v = matmulRef(xn, dequantNBits(p.toV), L, D, D);
  const a = attentionRef(q, k, v, { heads: H, kvHeads: H, headDim: hd }); // (L, D)
  const o = rmsNormRef(matmulRef(a, dequantNBits(p.toOut), L, D, D), D, eps, p.attentionNorm2);
  const x1 = gatedResidualRef(x, o, m4, D, 4 * D, D);

  const xf = rmsNormRef(x1, D, eps, p.ffnNorm1, mod(2 * D));
  const h = matmulSwiGLURef(xf, dequantNBits(p.w1), dequantNBits(p.w3), L, D, F); // (L, F)
  const f = rmsNormRef(matmulRef(h, dequantNBits(p.w2), L, F, D), D, eps, p.ffnNorm2);
  return gatedResidualRef(x1, f, m4, D, 4 * D, 3 * D);
}

/** h (L, hidden) -> the layer's output (L, hidden). */
export function qwen3LayerRef(s: Qwen3LayerShape, p: Qwen3LayerParams, h: Float32Array): Float32Array {
  const { L, hidden, heads: H, kvHeads: Hkv, headDim: hd, F, eps } = s;
  const xn = rmsNormRef(h, hidden, eps, p.inputNorm);
  const q = normRope(matmulRef(xn, dequantNBits(p.q), L, hidden, H * hd), p.qNorm, eps, p.cos, p.sin, H, hd, true);
  const k = normRope(matmulRef(xn, dequantNBits(p.k), L, hidden, Hkv * hd), p.kNorm, eps, p.cos, p.sin, Hkv, hd, true);
  const v = matmulRef(xn, dequantNBits(p.v), L, hidden, Hkv * hd);
  const a = attentionRef(q, k, v, { heads: H, kvHeads: Hkv, headDim: hd, causal: true });
  const h1 = addRef(h, matmulRef(a, dequantNBits(p.o), L, H * hd, hidden));
  const xf = rmsNormRef(h1, hidden, eps, p.postNorm);
  const g = matmulSwiGLURef(xf, dequantNBits(p.gate), dequantNBits(p.up), L, hidden, F);
  return addRef(h1, matmulRef(g, dequantNBits(p.down), L, F, hidden));
}
