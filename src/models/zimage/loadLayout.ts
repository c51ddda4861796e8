// Which tensors each loader (load.ts) puts where, as data: shared with the memory plan (planFiles.ts), which must
// weigh exactly what a load allocates. No engine imports, so Node tools can plan without WGSL.
import { isQuantDtype } from '../../weights/dtypes.ts';
import type { ImportPolicy, WeightFormat } from '../../weights/policy.ts';

/** DiT tensors the loader keeps as f32 on the CPU (spliced into sequences as rows), never uploaded. */
export const PAD_TOKENS: ReadonlySet<string> = new Set(['x_pad_token', 'cap_pad_token', 'siglip_pad_token']);

/** The tensors of one Qwen3 decoder layer the encoder uploads (`model.layers.N.` + these). */
export const TEXT_ENCODER_LAYER_TENSORS = [
  'input_layernorm.weight', 'post_attention_layernorm.weight',
  'self_attn.q_proj.weight', 'self_attn.k_proj.weight', 'self_attn.v_proj.weight', 'self_attn.o_proj.weight',
  'self_attn.q_norm.weight', 'self_attn.k_norm.weight',
  'mlp.gate_proj.weight', 'mlp.up_proj.weight', 'mlp.down_proj.weight',
] as const;

/** Whether loadVae stores this VAE tensor as f16: convolution kernels (4-D weights), unless f32 is asked for. */
export function vaeConvIsHalf(name: string, shape: readonly number[]): boolean {
  return name.endsWith('.weight') && shape.length === 4;
}

/** The Qwen3 token table: CPU rows for the encoder, the tied output head on the GPU for the LM (loadLm.ts). */
export const EMBED_TABLE = 'model.embed_tokens.weight';

/** The format the LM head loads as: GGUF blocks as stored, float tables in the policy's embedding format. */
export function headFormat(storedDtype: string, policy: ImportPolicy): WeightFormat {
  return isQuantDtype(storedDtype) ? 'keep' : policy.embedding;
}
