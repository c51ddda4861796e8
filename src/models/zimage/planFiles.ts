// The memory plan of actual files: each network weighed tensor by tensor as the loaders store it (the import
// policy's format for its role, weights/storedFormat.ts), the tensors each loader uploads (load.ts), then the set's
// peaks and FLOPs at an image size (plan.ts). Nothing is read but the headers.
import type { ModelFile } from '../../weights/modelFile.ts';
import { DEFAULT_POLICY, formatFor, type ImportPolicy } from '../../weights/policy.ts';
import { storedTensor } from '../../weights/storedFormat.ts';
import { numelOf } from '../../weights/source.ts';
import { layersNeeded, type TextEncoderConfig, type TransformerConfig, type VaeConfig } from './config.ts';
import { PAD_TOKENS, TEXT_ENCODER_LAYER_TENSORS, vaeConvIsHalf } from './loadLayout.ts';
import { type ControlAddition, planSize, type NetworkBytes, type SizePlan, type WeightBytes } from './plan.ts';

export interface SetFilesToPlan {
  transformer: { file: ModelFile; config: TransformerConfig };
  textEncoder: { file: ModelFile; config: TextEncoderConfig };
  vae: { file: ModelFile; config: VaeConfig; encoder: boolean };
}

class Scale {
  readonly bytes: NetworkBytes = { total: 0, byFormat: {}, cpu: 0 };
  gpu(format: string, n: number): void {
    this.bytes.total += n;
    this.bytes.byFormat[format] = (this.bytes.byFormat[format] ?? 0) + n;
  }
  cpu(n: number): void {
    this.bytes.cpu += n;
  }
}

function tensorOf(f: ModelFile, name: string) {
  const t = f.tensors.get(name);
  if (!t) throw new RangeError(`plan: ${name} is not in the file`);
  return t;
}

/** The DiT: every canonical tensor is uploaded, except the pad tokens the loader keeps as f32 on the CPU. */
export function weighTransformer(f: ModelFile, policy: ImportPolicy = DEFAULT_POLICY): NetworkBytes {
  const s = new Scale();
  for (const [name, t] of f.tensors) {
    if (PAD_TOKENS.has(name)) s.cpu(numelOf(t.shape) * 4);
    else {
      const st = storedTensor(t, formatFor(policy, t.role));
      s.gpu(st.format, st.gpuBytes);
    }
  }
  return s.bytes;
}

/** The text encoder's first layersNeeded layers; the token table stays in the file (rows read per prompt). */
export function weighTextEncoder(f: ModelFile, cfg: TextEncoderConfig, policy: ImportPolicy = DEFAULT_POLICY): NetworkBytes {
  const s = new Scale();
  for (let i = 0; i < layersNeeded(cfg); i++) {
    for (const suffix of TEXT_ENCODER_LAYER_TENSORS) {
      const t = tensorOf(f, `model.layers.${i}.${suffix}`);
      const st = storedTensor(t, formatFor(policy, t.role));
      s.gpu(st.format, st.gpuBytes);
    }
  }
  return s.bytes;
}

/** The VAE decoder (and encoder): convolution kernels as f16, the rest f32 (load.ts loadVae). */
export function weighVae(f: ModelFile, encoder: boolean): NetworkBytes {
  const s = new Scale();
  for (const [name, t] of f.tensors) {
    if (!(name.startsWith('decoder.') || (encoder && name.startsWith('encoder.')))) continue;
    const st = storedTensor(t, vaeConvIsHalf(name, t.shape) ? 'f16' : 'f32');
    s.gpu(st.format, st.gpuBytes);
  }
  return s.bytes;
}

export function weighSet(set: SetFilesToPlan, policy: ImportPolicy = DEFAULT_POLICY): WeightBytes {
  return {
    transformer: weighTransformer(set.transformer.file, policy),
    textEncoder: weighTextEncoder(set.textEncoder.file, set.textEncoder.config, policy),
    vae: weighVae(set.vae.file, set.vae.encoder),
  };
}

/** Peaks and FLOPs of a generation at `size`² with these files. */
export function planSetSize(set: SetFilesToPlan, size: number, weights: WeightBytes = weighSet(set), control?: ControlAddition): SizePlan {
  return planSize(size, 512, set.transformer.config, set.textEncoder.config, set.vae.config, weights, control);
}
