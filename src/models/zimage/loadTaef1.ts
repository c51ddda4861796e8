// TAEF1 weights from either published naming onto the canonical taesd.py indices that taef1.ts reads:
//   taesd.py (bare nn.Sequential, two files): encoder `0.weight` .. `14.bias`, decoder `1.weight` .. `19.bias`
//     (decoder index 0 is the parameterless Clamp);
//   diffusers AutoencoderTiny (one file): `encoder.layers.<k>...` = encoder k, `decoder.layers.<k>...` = decoder k + 1.
// The files are recognised by these keys here, not by weights/detect.ts: TAEF1 is no Z-Image network, and a file
// with these names matches none of detect.ts's signatures.
import type { Gpu } from '../../engine/gpu.ts';
import type { Tensor } from '../../engine/tensor.ts';
import { StudioError } from '../../lib/errors.ts';
import type { ModelFile } from '../../weights/modelFile.ts';
import { Taef1 } from './taef1.ts';
import { DECODER_LAYERS, ENCODER_LAYERS } from './taef1Layout.ts';

const F32 = { matrix: 'f32', modulation: 'f32', embedding: 'f32' } as const;
const LATENT_CHANNELS = 16;

type Part = 'encoder' | 'decoder';

/** Canonical name -> (file, stored name), from the keys of each file; null for a file that is no TAEF1 file. */
export function taef1Names(file: ModelFile): Map<string, string> | null {
  const names = [...file.tensors.keys()];
  const out = new Map<string, string>();
  if (names.some((n) => /^(encoder|decoder)\.layers\.\d+\./.test(n))) {
    for (const n of names) {
      const m = /^(encoder|decoder)\.layers\.(\d+)\.(.+)$/.exec(n);
      if (!m) return null;
      const k = Number(m[2]) + (m[1] === 'decoder' ? 1 : 0);
      out.set(`${m[1]}.${k}.${m[3]}`, n);
    }
    return out;
  }
  if (names.length === 0 || !names.every((n) => /^\d+\./.test(n))) return null;
  // Bare keys: the encoder starts with conv(3, C) at index 0; the decoder's first weight is conv(16, C) at index 1.
  const first = file.tensors.get('0.weight');
  const part: Part | null = first?.shape[1] === 3 ? 'encoder' : !first && file.tensors.get('1.weight')?.shape[1] === LATENT_CHANNELS ? 'decoder' : null;
  if (!part) return null;
  for (const n of names) out.set(`${part}.${n}`, n);
  return out;
}

/** Whether a file's tensor names are TAEF1's (either naming). */
export function isTaef1File(file: ModelFile): boolean {
  return taef1Names(file) !== null;
}

/** The canonical tensors a part needs; conv biases the architecture leaves out (bias=False) are optional. */
function required(part: Part): { name: string; optional?: boolean }[] {
  const out: { name: string; optional?: boolean }[] = [];
  for (const l of part === 'encoder' ? ENCODER_LAYERS : DECODER_LAYERS) {
    if (!('k' in l)) continue;
    const p = `${part}.${l.k}`;
    if (l.kind === 'block') for (const c of [0, 2, 4]) out.push({ name: `${p}.conv.${c}.weight` }, { name: `${p}.conv.${c}.bias` });
    else out.push({ name: `${p}.weight` }, { name: `${p}.bias`, optional: l.kind === 'upconv' || 'stride' in l });
  }
  return out;
}

export interface Taef1LoadOptions {
  /** Load the encoder too (previews need only the decoder). */
  encoder: boolean;
  /** Convolution weights as f16 (default: half the bytes, accumulation stays f32) or f32 (golden checks). */
  convWeights?: 'f16' | 'f32';
}

/** Loads TAEF1 from one diffusers file or the two taesd.py files (any order); everything is released on failure. */
export async function loadTaef1(gpu: Gpu, files: ModelFile[], opts: Taef1LoadOptions): Promise<Taef1> {
  const where = new Map<string, { file: ModelFile; name: string }>();
  for (const file of files) {
    const names = taef1Names(file);
    if (!names) throw new StudioError('bad-model-file', 'This file is not a TAEF1 (tiny FLUX autoencoder) file: its tensor names are neither taesd.py nor diffusers AutoencoderTiny names.');
    for (const [canonical, name] of names) where.set(canonical, { file, name });
  }
  const parts: Part[] = opts.encoder ? ['encoder', 'decoder'] : ['decoder'];
  const loaded: Tensor[] = [];
  const map = new Map<string, Tensor>();
  try {
    for (const part of parts) {
      for (const { name, optional } of required(part)) {
        const at = where.get(name);
        if (!at) {
          if (optional) continue;
          throw new StudioError('bad-model-file', `The TAEF1 files have no ${part} tensor ${name}, so the preview decoder cannot be built.`);
        }
        const t = await at.file.loadTensor(at.name, F32);
        if (t.kind !== 'f32') throw new StudioError('bad-model-file', `The TAEF1 tensor ${at.name} is not float data.`);
        const half = t.shape.length === 4 && (opts.convWeights ?? 'f16') === 'f16';
        const up = await gpu.checked(name, t.data.byteLength, () => gpu.upload(t.data, t.shape, half ? 'f16' : 'f32', name));
        loaded.push(up);
        map.set(name, up);
      }
      // bias=False convolutions run with zero biases (the conv kernel always adds one).
      for (const { name } of required(part).filter((r) => r.optional && !map.has(r.name))) {
        const cout = map.get(name.replace(/\.bias$/, '.weight'))!.shape[0];
        const z = gpu.upload(new Float32Array(cout), [cout], 'f32', name);
        loaded.push(z);
        map.set(name, z);
      }
    }
    const first = map.get('decoder.1.weight')!;
    if (first.shape[1] !== LATENT_CHANNELS)
      throw new StudioError('bad-model-file', `The TAEF1 decoder reads ${first.shape[1]} latent channels, but Z-Image latents have ${LATENT_CHANNELS}.`);
  } catch (err) {
    for (const t of loaded) t.release();
    throw err;
  }
  const lookup = (name: string): Tensor => {
    const t = map.get(name);
    if (!t) throw new StudioError('bad-model-file', `The TAEF1 files have no tensor ${name}.`);
    return t;
  };
  return new Taef1(gpu, lookup, opts.encoder, loaded);
}
