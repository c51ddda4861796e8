// Import policy: what precision each tensor gets in memory, decided by its role, not by the file it came from.
//
// Roles (by canonical name):
//   matrix     - the big Linear weights: DiT attention to_q/to_k/to_v/to_out.0 and feed_forward w1/w2/w3 in every
//                block; Qwen3 q/k/v/o_proj and gate/up/down_proj. ~98% of the parameters.
//   modulation - DiT blocks' adaLN_modulation.0.weight (256 -> 4*dim). 2% of the DiT, but every scale and gate of
//                the residual stream comes from it, so it gets q8 by default.
//   embedding  - the Qwen3 token table (151936 x 2560). Gathered row by row on the CPU (design.md §2), so the
//                default is f16: lossless for a BF16 table in practice, half the memory of f32.
//   precise    - everything else stays f32: 1-D tensors (norms, biases), pad tokens, and every DiT embedder and the
//                final layer (x_embedder, t_embedder, cap_embedder, siglip_embedder, all_final_layer: diffusers
//                marks t_embedder and cap_embedder precision-sensitive, spec §5.7; together they are ~12 M of 6.15 B
//                parameters), and all of the VAE (84 M, decoded in f32 by the official loader, spec §7).
//
// Formats a role can get:
//   'q4' / 'q8' - float sources are round-to-nearest quantized (quant.ts); GGUF block matrices stay as stored, in
//                 their ggml block format (Q8_0 stays Q8_0 even under 'q4': re-quantizing would only lose precision).
//   'keep'      - the stored precision: F32 -> f32, F16 -> f16, BF16 -> f32 (exact), GGUF blocks -> the same ggml
//                 blocks, byte for byte (engine/formats.ts; the matmul kernels decode them exactly as ggml does).
//   'f16'       - f16 (rounded from F32/BF16; GGUF blocks dequantized then rounded).
//   'f32'       - exact f32 of whatever is stored (GGUF blocks dequantized as ggml does): the reference mode.
// A tensor whose last dimension is not a multiple of 32 cannot be q4/q8 and falls back to 'keep'. A GGUF block
// tensor that is not a matrix of whole-block rows is dequantized to f32 under 'keep' / 'q4' / 'q8'.
import type { Network } from './names.ts';

export type TensorRole = 'matrix' | 'modulation' | 'embedding' | 'precise';
export type WeightFormat = 'q4' | 'q8' | 'keep' | 'f16' | 'f32';

export interface ImportPolicy {
  matrix: WeightFormat;
  modulation: WeightFormat;
  embedding: WeightFormat;
}

/** The studio's default: INT4 matrices, q8 modulation, f16 token table, f32 for the rest. */
export const DEFAULT_POLICY: Readonly<ImportPolicy> = { matrix: 'q4', modulation: 'q8', embedding: 'f16' };
/** Golden tests: every weight at exactly its stored value, in f32. */
export const REFERENCE_POLICY: Readonly<ImportPolicy> = { matrix: 'f32', modulation: 'f32', embedding: 'f32' };
/** Stored precision everywhere (GGUF blocks in their engine form). */
export const KEEP_POLICY: Readonly<ImportPolicy> = { matrix: 'keep', modulation: 'keep', embedding: 'keep' };

const DIT_MATRIX = /^(?:layers|noise_refiner|context_refiner|siglip_refiner)\.\d+\.(?:attention\.(?:to_q|to_k|to_v|to_out\.0)|feed_forward\.w[123])\.weight$/;
const DIT_MODULATION = /^(?:layers|noise_refiner)\.\d+\.adaLN_modulation\.0\.weight$/;
// The Z-Image-Fun ControlNet file (control_layers, control_noise_refiner: DiT blocks with before/after projections)
// is none of the three networks (detection says 'unknown'); its names are unique, so they decide its roles.
const CONTROL_MATRIX = /^control_(?:layers|noise_refiner)\.\d+\.(?:attention\.(?:to_q|to_k|to_v|to_out\.0)|feed_forward\.w[123])\.weight$/;
// before_proj / after_proj write straight into the DiT's residual stream (times the control scale): q8, like adaLN.
const CONTROL_MODULATION = /^control_(?:layers|noise_refiner)\.\d+\.(?:adaLN_modulation\.0|before_proj|after_proj)\.weight$/;
const QWEN3_MATRIX = /^model\.layers\.\d+\.(?:self_attn\.[qkvo]_proj|mlp\.(?:gate|up|down)_proj)\.weight$/;

export function tensorRole(network: Network | 'unknown', canonical: string): TensorRole {
  if (network === 'unknown' || network === 'dit') {
    if (CONTROL_MATRIX.test(canonical)) return 'matrix';
    if (CONTROL_MODULATION.test(canonical)) return 'modulation';
  }
  if (network === 'dit') return DIT_MATRIX.test(canonical) ? 'matrix' : DIT_MODULATION.test(canonical) ? 'modulation' : 'precise';
  if (network === 'qwen3') return QWEN3_MATRIX.test(canonical) ? 'matrix' : canonical === 'model.embed_tokens.weight' ? 'embedding' : 'precise';
  return 'precise';
}

export function formatFor(policy: ImportPolicy, role: TensorRole): WeightFormat {
  return role === 'precise' ? 'f32' : policy[role];
}
