// The attention sublayer the Qwen3 text encoder and the DiT share: q/k/v projections of the normed input,
// per-head RMS QK-norm, RoPE (Qwen3's rotate-half or Z-Image's complex pairs), attention. The output projection,
// residual and modulation differ between the two and stay with their callers.
import type { Batch } from '../../engine/gpu.ts';
import * as ops from '../../engine/ops.ts';
import { scope } from '../../engine/scope.ts';
import { Tensor } from '../../engine/tensor.ts';
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

/**
 * One layer's KV cache (Qwen3 as a causal LM): keys after QK-norm and RoPE, and values, (capacity, kvHeads·hd) f32
 * each, row p = position p, the layout attention reads. Positions 0 .. pos-1 are filled.
 */
export interface KvSlot {
  k: Tensor;
  v: Tensor;
  /** Position of the first row of xn; its keys and values are written at rows pos .. pos + L - 1. */
  pos: number;
}

/**
 * xn (L, D) normed input -> attention output (L, heads·hd), before the output projection. xn is not released. With a
 * KV cache slot, the new keys and values are appended to it and the L queries attend (causally) to all pos + L.
 */
export function selfAttention(b: Batch, xn: Tensor, w: SelfAttentionWeights, rope: { cos: Tensor; sin: Tensor }, s: SelfAttentionShape, cache?: KvSlot): Tensor {
  const { heads: H, kvHeads: Hkv, headDim: hd, eps } = s;
  const L = xn.shape[0];
  return scope(() => {
    // Per-head RMS norm of a projection: (L, heads*hd) -> rows of hd -> back. The raw projections die with this inner
    // scope, before v and the attention output are allocated (they take the projections' buffers).
    const [qn, kn] = scope(() => [
      ops.rmsNorm(b, linear(b, xn, w.q, w.lora?.q).reshape([L * H, hd]), { weight: w.qNorm, eps }).withShape([L, H * hd]), // (L, H*hd)
      ops.rmsNorm(b, linear(b, xn, w.k, w.lora?.k).reshape([L * Hkv, hd]), { weight: w.kNorm, eps }).withShape([L, Hkv * hd]), // (L, Hkv*hd)
    ]);
    const v = linear(b, xn, w.v, w.lora?.v); // (L, Hkv*hd)
    return attend(b, qn, kn, v, rope, s, cache); // (L, H*hd)
  });
}

/** RoPE on the normed q and k (in place), then attention, through the KV cache when there is one. */
function attend(b: Batch, qn: Tensor, kn: Tensor, v: Tensor, rope: { cos: Tensor; sin: Tensor }, s: SelfAttentionShape, cache?: KvSlot): Tensor {
  const { heads: H, kvHeads: Hkv, headDim: hd } = s;
  const L = qn.shape[0];
  const rotate = s.rope === 'half' ? ops.ropeHalf : ops.ropeComplex;
  rotate(b, qn, rope.cos, rope.sin, { heads: H, headDim: hd });
  rotate(b, kn, rope.cos, rope.sin, { heads: Hkv, headDim: hd });
  let keys = kn;
  let values = v;
  if (cache) {
    const row = Hkv * hd * 4; // bytes per position
    const lk = cache.pos + L; // positions attended
    if (lk * row > cache.k.data.size) throw new RangeError(`selfAttention: ${lk} positions exceed the KV cache of ${cache.k.data.size / row}`);
    b.copy(kn.data, 0, cache.k.data, cache.pos * row, L * row);
    b.copy(v.data, 0, cache.v.data, cache.pos * row, L * row);
    keys = prefix(cache.k, lk, Hkv * hd); // view (pos + L, Hkv*hd)
    values = prefix(cache.v, lk, Hkv * hd);
  }
  return ops.attention(b, qn, keys, values, { heads: H, kvHeads: Hkv, headDim: hd, causal: s.causal }); // (L, H*hd)
}

/** A view of the first `rows` rows of a cache buffer (no copy, no ownership). */
function prefix(t: Tensor, rows: number, width: number): Tensor {
  return new Tensor([rows, width], 'f32', t.data, null, null, 'f32', t.label, false);
}
