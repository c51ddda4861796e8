// Generates the embedded self-test model set in public/models/selftest/: tiny random-weight networks with the real
// Z-Image architecture (the golden tiny configs) and a byte-level tokenizer, so a first visit can run the whole
// pipeline offline. The weights are random: images are colourful noise, and the studio labels the set so.
// Deterministic (seeded), so the files are the same on every machine; regenerated only when missing or outdated.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Rng } from '../src/lib/rng.ts';
import { parseTextEncoderConfig, parseTransformerConfig, parseVaeConfig } from '../src/models/zimage/config.ts';
import { taef1Shapes } from '../src/models/zimage/taef1Layout.ts';
import { controlNetShapes, textEncoderShapes, transformerShapes, vaeDecoderShapes, vaeEncoderShapes, type TensorShapes } from '../src/models/zimage/shapes.ts';
import { type StoredDType, writeSafetensors } from './safetensorsWriter.ts';
import { tinyTokenizerJson } from './tinyTokenizer.ts';

const VERSION = 5; // bump when the generator's output changes (5: the ControlNet and the TAEF1 decoder together)
const OUT = resolve(import.meta.dirname, '../public/models/selftest');

export const SELFTEST_TRANSFORMER_CONFIG = {
  _class_name: 'ZImageTransformer2DModel',
  all_patch_size: [2],
  all_f_patch_size: [1],
  in_channels: 16,
  dim: 96,
  n_layers: 2,
  n_refiner_layers: 2,
  n_heads: 3,
  n_kv_heads: 3,
  norm_eps: 1e-5,
  qk_norm: true,
  cap_feat_dim: 64,
  rope_theta: 256.0,
  t_scale: 1000.0,
  axes_dims: [8, 12, 12],
  axes_lens: [1024, 512, 512],
};
export const SELFTEST_TEXT_ENCODER_CONFIG = {
  architectures: ['Qwen3ForCausalLM'],
  vocab_size: 384,
  hidden_size: 64,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  head_dim: 32,
  num_hidden_layers: 3,
  intermediate_size: 160,
  rms_norm_eps: 1e-6,
  rope_theta: 1000000.0,
  tie_word_embeddings: true,
};
/** A tiny Union-2.1-style ControlNet for the self-test DiT: hints after both layers and both noise refiners. */
export const SELFTEST_CONTROLNET_CONFIG = {
  _class_name: 'ZImageControlNetModel',
  control_layers_places: [0, 1],
  control_refiner_layers_places: [0, 1],
  add_control_noise_refiner: true,
  add_control_noise_refiner_correctly: true,
  control_in_dim: 33,
};
export const SELFTEST_VAE_CONFIG = {
  _class_name: 'AutoencoderKL',
  in_channels: 3,
  out_channels: 3,
  latent_channels: 16,
  // Narrower than the golden tiny VAE (16 groups, one resnet per block) so the full pipeline runs in seconds on a
  // CPU-emulated adapter; the structure is the FLUX VAE's.
  block_out_channels: [16, 16, 32, 32],
  layers_per_block: 1,
  norm_num_groups: 16,
  scaling_factor: 0.3611,
  shift_factor: 0.1159,
};

/** TAEF1 width of the self-test's preview decoder (the published model has 64). */
export const SELFTEST_TAEF1_CHANNELS = 8;

/** A plausible random value for each kind of tensor, so activations stay finite and images show structure. */
function init(name: string, shape: number[], rng: Rng): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = rng.normalArray(n);
  const fanIn = shape.length > 1 ? shape.slice(1).reduce((a, b) => a * b, 1) : 1;
  let scale: number;
  let offset = 0;
  if (shape.length === 1 && /norm|cap_embedder\.0/.test(name) && name.endsWith('weight')) {
    scale = 0.1;
    offset = 1;
  } else if (name.endsWith('bias')) scale = 0.02;
  else if (name.includes('pad_token')) scale = 0.5;
  else if (name.includes('adaLN')) scale = 0.2 / Math.sqrt(fanIn);
  else if (name.includes('embed_tokens')) scale = 1;
  else scale = 1 / Math.sqrt(fanIn);
  for (let i = 0; i < n; i++) out[i] = offset + scale * out[i];
  return out;
}

function build(shapes: TensorShapes, seed: number, bigType: StoredDType): Uint8Array {
  const rng = new Rng(seed);
  const tensors = shapes.map(([name, shape]) => {
    const n = shape.reduce((a, b) => a * b, 1);
    return { name, shape, data: init(name, shape, rng), dtype: shape.length > 1 && n >= 1024 ? bigType : ('F32' as StoredDType) };
  });
  return writeSafetensors(tensors, { source: `Z-Image Studio self-test model, random weights, seed ${seed}` });
}

export function makeSelftest(dir = OUT): boolean {
  const stamp = resolve(dir, 'manifest.json');
  if (existsSync(stamp)) {
    try {
      if (JSON.parse(readFileSync(stamp, 'utf8')).version === VERSION) return false;
    } catch {
      /* regenerate */
    }
  }
  mkdirSync(dir, { recursive: true });
  const dit = parseTransformerConfig(SELFTEST_TRANSFORMER_CONFIG);
  const te = parseTextEncoderConfig(SELFTEST_TEXT_ENCODER_CONFIG);
  const vae = parseVaeConfig(SELFTEST_VAE_CONFIG);
  const files: Record<string, Uint8Array | string> = {
    'transformer.safetensors': build(transformerShapes(dit), 101, 'BF16'),
    'transformer_config.json': JSON.stringify(SELFTEST_TRANSFORMER_CONFIG, null, 1),
    // All layers and the final norm: the prompt enhancer runs the text encoder as a causal LM (tied head).
    'text_encoder.safetensors': build(textEncoderShapes(te), 202, 'F16'),
    'text_encoder_config.json': JSON.stringify(SELFTEST_TEXT_ENCODER_CONFIG, null, 1),
    // Random (not zero-initialised) projections, so control visibly changes the self-test's images.
    'controlnet.safetensors': build(controlNetShapes(dit, 2, 2, 33), 404, 'BF16'),
    'controlnet_config.json': JSON.stringify(SELFTEST_CONTROLNET_CONFIG, null, 1),
    'vae.safetensors': build([...vaeDecoderShapes(vae), ...vaeEncoderShapes(vae)], 303, 'F16'),
    'vae_config.json': JSON.stringify(SELFTEST_VAE_CONFIG, null, 1),
    'tokenizer.json': JSON.stringify(tinyTokenizerJson()),
    // Live previews: TAEF1's real architecture at 8 channels instead of 64 (about 170 kB instead of 9.8 MB), diffusers
    // names as in the published file.
    'taef1.safetensors': build(taef1Shapes(SELFTEST_TAEF1_CHANNELS), 404, 'F16'),
  };
  const manifest = {
    version: VERSION,
    id: 'selftest',
    label: 'Pipeline self-test (tiny random weights)',
    files: Object.entries(files).map(([name, data]) => ({ name, bytes: typeof data === 'string' ? new TextEncoder().encode(data).byteLength : data.byteLength })),
  };
  for (const [name, data] of Object.entries(files)) writeFileSync(resolve(dir, name), data);
  writeFileSync(stamp, JSON.stringify(manifest, null, 1));
  return true;
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('makeSelftest.ts')) {
  const made = makeSelftest();
  console.log(made ? `self-test model written to ${OUT}` : 'self-test model is up to date');
}
