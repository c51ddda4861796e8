// The Qwen3 text encoder as Z-Image uses it (zimage-spec §4): caption features = hidden_states[-2], the raw output
// of decoder layer n_layers - 2 (no final norm), so only n_layers - 1 layers ever run. Causal grouped-query
// attention with rotate-half RoPE; the embedding table stays on the CPU side (only prompt rows are gathered).
import type { Batch, Gpu } from '../../engine/gpu.ts';
import * as ops from '../../engine/ops.ts';
import { scope } from '../../engine/scope.ts';
import { type KvSlot, selfAttention } from './selfAttention.ts';
import type { Tensor } from '../../engine/tensor.ts';
import type { TextEncoderConfig } from './config.ts';
import { qwenRope } from './rope.ts';

export interface Qwen3LayerWeights {
  inputNorm: Tensor; // (hidden)
  postNorm: Tensor; // (hidden)
  q: Tensor; // (H*hd, hidden)
  k: Tensor; // (Hkv*hd, hidden)
  v: Tensor; // (Hkv*hd, hidden)
  o: Tensor; // (hidden, H*hd)
  qNorm: Tensor; // (hd)
  kNorm: Tensor; // (hd)
  gate: Tensor; // (I, hidden)
  up: Tensor; // (I, hidden)
  down: Tensor; // (hidden, I)
}

/** Gathers embedding rows for token ids on the CPU: (L, hidden) floats. */
export type EmbeddingLookup = (ids: Int32Array) => Promise<Float32Array>;

export interface Qwen3Weights {
  embed: EmbeddingLookup;
  /** Only the layers that run: n_layers - 1. */
  layers: Qwen3LayerWeights[];
}

/**
 * One Qwen3 decoder layer over h (L, hidden), in place: h is updated and returned. With a KV cache slot (Qwen3 as a
 * chat LM), the layer's keys and values are appended to it and attention sees them all. Each sublayer is a scope, so
 * the attention's temporaries are back in the pool before the MLP allocates its (L, I) hidden state.
 */
export function qwen3Layer(b: Batch, h: Tensor, lw: Qwen3LayerWeights, rope: { cos: Tensor; sin: Tensor }, cfg: TextEncoderConfig, cache?: KvSlot): Tensor {
  const { nHeads: H, nKvHeads: Hkv, headDim: hd, rmsNormEps: eps } = cfg;
  // h += o_proj(self_attn(input_layernorm(h)))
  scope(() => {
    const xn = ops.rmsNorm(b, h, { weight: lw.inputNorm, eps }); // (L, hidden)
    const a = selfAttention(b, xn, lw, rope, { heads: H, kvHeads: Hkv, headDim: hd, eps, rope: 'half', causal: true }, cache); // (L, H*hd)
    ops.add(b, h, ops.matmul(b, a, lw.o), { inPlace: true }); // o_proj: (L, hidden)
  });
  // h += down_proj(silu(gate_proj(xf)) * up_proj(xf)), xf = post_attention_layernorm(h)
  scope(() => {
    const xf = ops.rmsNorm(b, h, { weight: lw.postNorm, eps }); // (L, hidden)
    const g = ops.matmulSwiGLU(b, xf, lw.gate, lw.up); // (L, I)
    ops.add(b, h, ops.matmul(b, g, lw.down), { inPlace: true }); // down_proj: (L, hidden)
  });
  return h;
}

export class Qwen3TextEncoder {
  constructor(
    readonly gpu: Gpu,
    readonly cfg: TextEncoderConfig,
    readonly w: Qwen3Weights,
    private readonly owned: Tensor[] = [],
  ) {}

  release(): void {
    for (const t of this.owned) t.release();
  }

  /**
   * Caption features for token ids: (L, hidden). `onLayer` (for golden checks) sees each layer's output before the
   * next runs; it must not release it.
   */
  async encode(ids: Int32Array, onLayer?: (i: number, h: Tensor) => Promise<void>): Promise<Tensor> {
    const { hiddenSize, headDim: hd, ropeTheta } = this.cfg;
    const L = ids.length;
    if (L < 1) throw new RangeError('encode: no tokens');
    for (const id of ids)
      if (id < 0 || id >= this.cfg.vocabSize) throw new RangeError(`token id ${id} outside the vocabulary (${this.cfg.vocabSize})`);
    const gpu = this.gpu;
    // async (awaits between layers): explicit ownership here, scopes inside each layer's batch
    const h = gpu.upload(await this.w.embed(ids), [L, hiddenSize], 'f32', 'te-embed'); // (L, hidden)
    const tables = qwenRope(hd, ropeTheta, L);
    const cos = gpu.upload(tables.cos, [L, hd / 2], 'f32', 'te-rope-cos');
    const sin = gpu.upload(tables.sin, [L, hd / 2], 'f32', 'te-rope-sin');
    for (let i = 0; i < this.w.layers.length; i++) {
      const lw = this.w.layers[i];
      gpu.run((b) => qwen3Layer(b, h, lw, { cos, sin }, this.cfg), 'te-layer');
      if (onLayer) await onLayer(i, h);
    }
    cos.release();
    sin.release();
    return h;
  }
}
