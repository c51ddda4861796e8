// LoRA files as published for Z-Image: the key rules of diffusers' Z-Image LoRA loader (facts from
// `_convert_non_diffusers_z_image_lora_to_diffusers`, our own code). A file is a set of (down, up, alpha?) pairs per
// module: PEFT / diffusers `lora_A` / `lora_B` (prefix `transformer.`, `base_model.model.` or none, adapter name
// `default.` dropped), kohya `lora_unet_<path with _>` `lora_down` / `lora_up` / `.alpha`, ComfyUI and ai-toolkit
// `diffusion_model.`-prefixed files, and the dotted `.lora.down` / `.lora.up` variant. This file knows no model:
// it returns module paths as written (prefix removed); models/zimage/lora.ts resolves them against the network.
import { StudioError } from '../lib/errors.ts';
import { decodeFloatsInto, FLOAT_DTYPES } from './dtypes.ts';
import { parseSafetensors } from './safetensors.ts';
import { numelOf, readRange, type ByteSource, type RawTensor } from './source.ts';

/** One low-rank pair: W += scale · up · down, scale = strength · alpha / rank (no alpha: alpha = rank). */
export interface LoraPair {
  /** The module path as written, prefixes removed: `layers.0.attention.to_q` or kohya's `layers_0_attention_to_q`. */
  module: string;
  down: RawTensor; // (rank, in) = lora_A
  up: RawTensor; // (out, rank) = lora_B
  alpha: RawTensor | null; // 0-dim (or 1-element)
}

export interface LoraFileInfo {
  pairs: LoraPair[];
  /** Keys that are not part of a complete pair (DoRA scales, biases, a down without its up): reported, never applied. */
  unmatched: string[];
  metadata: Record<string, string>;
}

const ROLE_SUFFIXES: [suffix: string, role: 'down' | 'up' | 'alpha'][] = [
  ['.lora_A.weight', 'down'],
  ['.lora_B.weight', 'up'],
  ['.lora_down.weight', 'down'],
  ['.lora_up.weight', 'up'],
  ['.lora.down.weight', 'down'],
  ['.lora.up.weight', 'up'],
  ['.alpha', 'alpha'],
];

// Longest first: `lora_unet__` before `lora_unet_`, `model.diffusion_model.` before `diffusion_model.`.
const PREFIXES = ['base_model.model.', 'model.diffusion_model.', 'diffusion_model.', 'transformer.', 'lora_unet__', 'lora_unet_', 'lora_transformer_'];

/** A key split into (module, role), or null when it is no LoRA key. */
export function splitLoraKey(key: string): { module: string; role: 'down' | 'up' | 'alpha' } | null {
  const k = key.replace(/\.default\./g, '.'); // PEFT adapter name: `.lora_A.default.weight`
  for (const [suffix, role] of ROLE_SUFFIXES) {
    if (!k.endsWith(suffix)) continue;
    let module = k.slice(0, -suffix.length);
    for (const p of PREFIXES) {
      if (module.startsWith(p)) {
        module = module.slice(p.length);
        break;
      }
    }
    return module ? { module, role } : null;
  }
  return null;
}

/** Reads a LoRA file's header and pairs its tensors by module. Refuses a file with no LoRA pair in one sentence. */
export async function readLoraFile(src: ByteSource): Promise<LoraFileInfo> {
  const st = await parseSafetensors(src);
  const byModule = new Map<string, { down?: RawTensor; up?: RawTensor; alpha?: RawTensor; keys: string[] }>();
  const unmatched: string[] = [];
  for (const t of st.tensors) {
    const s = splitLoraKey(t.name);
    if (!s) {
      unmatched.push(t.name);
      continue;
    }
    let e = byModule.get(s.module);
    if (!e) byModule.set(s.module, (e = { keys: [] }));
    if (e[s.role]) throw new StudioError('bad-model-file', `The LoRA file has two ${s.role} tensors for module ${s.module} (${t.name}).`);
    e[s.role] = t;
    e.keys.push(t.name);
  }
  const pairs: LoraPair[] = [];
  for (const [module, e] of byModule) {
    if (!e.down || !e.up) {
      unmatched.push(...e.keys);
      continue;
    }
    checkPair(module, e.down, e.up, e.alpha);
    pairs.push({ module, down: e.down, up: e.up, alpha: e.alpha ?? null });
  }
  if (pairs.length === 0)
    throw new StudioError('bad-model-file', `${src.name ?? 'This file'} is not a LoRA: it holds no lora_A/lora_B (or lora_down/lora_up) weight pairs.`);
  return { pairs, unmatched, metadata: st.metadata };
}

function checkPair(module: string, down: RawTensor, up: RawTensor, alpha: RawTensor | undefined): void {
  for (const t of [down, up, ...(alpha ? [alpha] : [])])
    if (!FLOAT_DTYPES.has(t.dtype)) throw new StudioError('bad-model-file', `LoRA tensor ${t.name} has type ${t.dtype}; only F32, F16 and BF16 are supported.`);
  if (down.shape.length !== 2 || up.shape.length !== 2 || up.shape[1] !== down.shape[0])
    throw new StudioError('bad-model-file', `LoRA module ${module} has down [${down.shape}] and up [${up.shape}], which are not (rank, in) and (out, rank).`);
  if (alpha && numelOf(alpha.shape) !== 1) throw new StudioError('bad-model-file', `LoRA alpha ${alpha.name} must be one number, got shape [${alpha.shape}].`);
}

/** A tensor's values as f32 (F32 / F16 / BF16). */
export async function loraFloats(t: RawTensor): Promise<Float32Array> {
  const out = new Float32Array(numelOf(t.shape));
  decodeFloatsInto(t.dtype, await readRange(t.source, t.offset, t.byteLength), out, 0);
  return out;
}

/** alpha / rank for a pair (1 when the file has no alpha). */
export async function loraBaseScale(p: LoraPair): Promise<number> {
  const rank = p.down.shape[0];
  return p.alpha ? (await loraFloats(p.alpha))[0] / rank : 1;
}
