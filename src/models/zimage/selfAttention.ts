// The attention sublayer the Qwen3 text encoder and the DiT share: q/k/v projections of the normed input,
// per-head RMS QK-norm, RoPE (Qwen3's rotate-half or Z-Image's complex pairs), attention. The output projection,
// residual and modulation differ between the two and stay with their callers.
import type { Batch } from '../../engine/gpu.ts';
import * as ops from '../../engine/ops.ts';
import type { Tensor } from '../../engine/tensor.ts';
import type { LoraDelta } from './lora.ts';
import { linear } from './loraApply.ts';

type Weight = Parameters<typeof ops.matmul>[2];

export interface SelfAttentionWeights {
  q: Weight;
  k: Weight;
  v: Weight;
  /** (hd) RMSNorm weights applied per head. */
  qNorm: Tensor;
  kNorm: Tensor;
  /** Optional LoRA deltas on the projections (the DiT); absent, the projections are plain matmuls. */
  lora?: { q?: LoraDelta; k?: LoraDelta; v?: LoraDelta };
}

export interface SelfAttentionShape {
  heads: number;
  kvHeads: number;
  headDim: number;
  eps: number;
  rope: 'half' | 'complex';
  causal?: boolean;
}

/** xn (L, D) normed input -> attention output (L, heads·hd), before the output projection. xn is not released. */
export function selfAttention(b: Batch, xn: Tensor, w: SelfAttentionWeights, rope: { cos: Tensor; sin: Tensor }, s: SelfAttentionShape): Tensor {
  const { heads: H, kvHeads: Hkv, headDim: hd, eps } = s;
  const L = xn.shape[0];
  const q = linear(b, xn, w.q, w.lora?.q); // (L, H*hd)
  const k = linear(b, xn, w.k, w.lora?.k); // (L, Hkv*hd)
  const v = linear(b, xn, w.v, w.lora?.v);
  const qnRows = ops.rmsNorm(b, q.reshape([L * H, hd]), { weight: w.qNorm, eps }); // (L*H, hd)
  const qn = qnRows.reshape([L, H * hd]); // view (L, H*hd)
  const knRows = ops.rmsNorm(b, k.reshape([L * Hkv, hd]), { weight: w.kNorm, eps }); // (L*Hkv, hd)
  const kn = knRows.reshape([L, Hkv * hd]); // view (L, Hkv*hd)
  q.release();
  k.release();
  const rotate = s.rope === 'half' ? ops.ropeHalf : ops.ropeComplex;
  rotate(b, qn, rope.cos, rope.sin, { heads: H, headDim: hd });
  rotate(b, kn, rope.cos, rope.sin, { heads: Hkv, headDim: hd });
  const a = ops.attention(b, qn, kn, v, { heads: H, kvHeads: Hkv, headDim: hd, causal: s.causal }); // (L, H*hd)
  qnRows.release();
  knRows.release();
  v.release();
  return a;
}
