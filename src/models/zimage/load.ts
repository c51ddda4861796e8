// From model files to networks on the GPU: each canonical tensor is loaded in the import policy's precision
// (weights/policy.ts), uploaded, and placed in the network's weight structure. The Qwen3 token table is never
// uploaded: prompt rows are read from the file on demand.
import type { Gpu } from '../../engine/gpu.ts';
import type { Tensor } from '../../engine/tensor.ts';
import { StudioError } from '../../lib/errors.ts';
import { embeddingRows } from '../../weights/embeddingRows.ts';
import type { LoadedTensor, ModelFile } from '../../weights/modelFile.ts';
import { DEFAULT_POLICY, type ImportPolicy } from '../../weights/policy.ts';
import { AutoencoderKL } from './autoencoder.ts';
import { layersNeeded, type TextEncoderConfig, type TransformerConfig, type VaeConfig } from './config.ts';
import { TEXT_ENCODER_LAYER_TENSORS, vaeConvIsHalf } from './loadLayout.ts';
import { Qwen3TextEncoder, type Qwen3LayerWeights } from './textEncoder.ts';
import { type BlockWeights, type TransformerWeights, ZImageTransformer } from './transformer.ts';

export type LoadProgress = (done: number, total: number, name: string) => void;

function uploadLoaded(gpu: Gpu, t: LoadedTensor, label: string): Tensor {
  switch (t.kind) {
    case 'f32':
      return gpu.upload(t.data, t.shape, 'f32', label);
    case 'f16':
      return gpu.uploadHalfBits(t.data, t.shape, label);
    case 'quant':
      return gpu.uploadQuant(t.q, label);
    case 'blocks':
      return gpu.uploadBlocks(t.dtype, t.bytes, t.shape, label);
    case 'i32':
      throw new StudioError('bad-model-file', `${label}: integer tensors are not weights`);
  }
}

function hostBytes(t: LoadedTensor): number {
  if (t.kind === 'quant') return t.q.codes.byteLength + t.q.params.byteLength;
  return t.kind === 'blocks' ? t.bytes.byteLength : t.data.byteLength;
}

/** Loads named tensors of one file onto the GPU; everything loaded is released if any tensor fails. */
export class Uploader {
  readonly loaded: Tensor[] = [];
  done = 0;
  constructor(
    readonly gpu: Gpu,
    readonly file: ModelFile,
    readonly policy: ImportPolicy,
    readonly total: number,
    readonly onProgress?: LoadProgress,
  ) {}

  async get(name: string): Promise<Tensor> {
    this.gpu.assertAlive();
    const l = await this.file.loadTensor(name, this.policy);
    // inside out-of-memory and validation error scopes: a weight that does not fit fails with a typed error here
    const t = await this.gpu.checked(name, hostBytes(l), () => uploadLoaded(this.gpu, l, name));
    this.loaded.push(t);
    this.onProgress?.(++this.done, this.total, name);
    return t;
  }

  /** A float tensor stored on the GPU as packed f16 (rounded to nearest even). */
  async getHalf(name: string): Promise<Tensor> {
    this.gpu.assertAlive();
    const l = await this.file.loadTensor(name, { matrix: 'f32', modulation: 'f32', embedding: 'f32' });
    if (l.kind !== 'f32') throw new StudioError('bad-model-file', `${name}: expected float data`);
    const t = await this.gpu.checked(name, l.data.length * 2, () => this.gpu.upload(l.data, l.shape, 'f16', name));
    this.loaded.push(t);
    this.onProgress?.(++this.done, this.total, name);
    return t;
  }

  async floats(name: string): Promise<Float32Array> {
    const t = await this.file.loadTensor(name, { matrix: 'f32', modulation: 'f32', embedding: 'f32' });
    if (t.kind !== 'f32') throw new StudioError('bad-model-file', `${name}: expected float data`);
    this.onProgress?.(++this.done, this.total, name);
    return t.data;
  }

  releaseAll(): void {
    for (const t of this.loaded) t.release();
  }
}

export async function guarded<T>(up: Uploader, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    up.releaseAll();
    throw err;
  }
}

export async function loadTransformer(gpu: Gpu, file: ModelFile, cfg: TransformerConfig, policy: ImportPolicy = DEFAULT_POLICY, onProgress?: LoadProgress): Promise<ZImageTransformer> {
  const up = new Uploader(gpu, file, policy, file.tensors.size, onProgress);
  return guarded(up, async () => {
    const block = async (p: string, modulated: boolean): Promise<BlockWeights> => ({
      toQ: await up.get(`${p}.attention.to_q.weight`),
      toK: await up.get(`${p}.attention.to_k.weight`),
      toV: await up.get(`${p}.attention.to_v.weight`),
      toOut: await up.get(`${p}.attention.to_out.0.weight`),
      normQ: await up.get(`${p}.attention.norm_q.weight`),
      normK: await up.get(`${p}.attention.norm_k.weight`),
      w1: await up.get(`${p}.feed_forward.w1.weight`),
      w2: await up.get(`${p}.feed_forward.w2.weight`),
      w3: await up.get(`${p}.feed_forward.w3.weight`),
      attentionNorm1: await up.get(`${p}.attention_norm1.weight`),
      attentionNorm2: await up.get(`${p}.attention_norm2.weight`),
      ffnNorm1: await up.get(`${p}.ffn_norm1.weight`),
      ffnNorm2: await up.get(`${p}.ffn_norm2.weight`),
      adaLN: modulated ? { w: await up.get(`${p}.adaLN_modulation.0.weight`), b: await up.get(`${p}.adaLN_modulation.0.bias`) } : null,
    });
    const range = (n: number) => Array.from({ length: n }, (_, i) => i);
    const w = {
      xEmbedW: await up.get('all_x_embedder.2-1.weight'),
      xEmbedB: await up.get('all_x_embedder.2-1.bias'),
      tEmbed: {
        w1: await up.get('t_embedder.mlp.0.weight'),
        b1: await up.get('t_embedder.mlp.0.bias'),
        w2: await up.get('t_embedder.mlp.2.weight'),
        b2: await up.get('t_embedder.mlp.2.bias'),
      },
      capNorm: await up.get('cap_embedder.0.weight'),
      capEmbedW: await up.get('cap_embedder.1.weight'),
      capEmbedB: await up.get('cap_embedder.1.bias'),
      xPadToken: await up.floats('x_pad_token'), // loadLayout.ts PAD_TOKENS: kept on the CPU
      capPadToken: await up.floats('cap_pad_token'),
      final: {
        adaW: await up.get('all_final_layer.2-1.adaLN_modulation.1.weight'),
        adaB: await up.get('all_final_layer.2-1.adaLN_modulation.1.bias'),
        linW: await up.get('all_final_layer.2-1.linear.weight'),
        linB: await up.get('all_final_layer.2-1.linear.bias'),
      },
      noiseRefiner: [] as BlockWeights[],
      contextRefiner: [] as BlockWeights[],
      layers: [] as BlockWeights[],
      siglip: null as TransformerWeights['siglip'],
    };
    for (const i of range(cfg.nRefinerLayers)) w.noiseRefiner.push(await block(`noise_refiner.${i}`, true));
    for (const i of range(cfg.nRefinerLayers)) w.contextRefiner.push(await block(`context_refiner.${i}`, false));
    for (const i of range(cfg.nLayers)) w.layers.push(await block(`layers.${i}`, true));
    if (cfg.siglipFeatDim) {
      const refiner: BlockWeights[] = [];
      for (const i of range(cfg.nRefinerLayers)) refiner.push(await block(`siglip_refiner.${i}`, false));
      w.siglip = {
        norm: await up.get('siglip_embedder.0.weight'),
        w: await up.get('siglip_embedder.1.weight'),
        b: await up.get('siglip_embedder.1.bias'),
        padToken: await up.floats('siglip_pad_token'),
        refiner,
      };
    }
    return new ZImageTransformer(gpu, cfg, w, up.loaded);
  });
}

/** One Qwen3 decoder layer's tensors (loadLayout.ts TEXT_ENCODER_LAYER_TENSORS), uploaded by `up`. */
export async function loadQwen3Layer(up: Uploader, i: number): Promise<Qwen3LayerWeights> {
  const t = new Map<string, Tensor>();
  for (const suffix of TEXT_ENCODER_LAYER_TENSORS) t.set(suffix, await up.get(`model.layers.${i}.${suffix}`));
  const w = (suffix: (typeof TEXT_ENCODER_LAYER_TENSORS)[number]): Tensor => t.get(suffix)!;
  return {
    inputNorm: w('input_layernorm.weight'),
    postNorm: w('post_attention_layernorm.weight'),
    q: w('self_attn.q_proj.weight'),
    k: w('self_attn.k_proj.weight'),
    v: w('self_attn.v_proj.weight'),
    o: w('self_attn.o_proj.weight'),
    qNorm: w('self_attn.q_norm.weight'),
    kNorm: w('self_attn.k_norm.weight'),
    gate: w('mlp.gate_proj.weight'),
    up: w('mlp.up_proj.weight'),
    down: w('mlp.down_proj.weight'),
  };
}

/** Loads the first `layers` decoder layers: n_layers - 1 give hidden_states[-2], all Z-Image needs. */
export async function loadTextEncoder(
  gpu: Gpu,
  file: ModelFile,
  cfg: TextEncoderConfig,
  policy: ImportPolicy = DEFAULT_POLICY,
  onProgress?: LoadProgress,
  layers = layersNeeded(cfg),
): Promise<Qwen3TextEncoder> {
  const n = layers;
  const up = new Uploader(gpu, file, policy, n * TEXT_ENCODER_LAYER_TENSORS.length, onProgress);
  return guarded(up, async () => {
    const embedInfo = file.tensors.get('model.embed_tokens.weight'); // (vocab, hidden): stays in the file
    if (!embedInfo) throw new StudioError('bad-model-file', 'the text encoder file has no token embedding table');
    if (embedInfo.shape[1] !== cfg.hiddenSize) throw new StudioError('bad-model-file', `the token table is ${embedInfo.shape[1]} wide, the text encoder's config says ${cfg.hiddenSize}`);
    const layers: Qwen3LayerWeights[] = [];
    for (let i = 0; i < n; i++) layers.push(await loadQwen3Layer(up, i));
    return new Qwen3TextEncoder(gpu, cfg, { embed: embeddingRows(embedInfo), layers }, up.loaded);
  });
}

/**
 * Loads the VAE. Convolution kernels are stored as f16 by default: the published VAE is bf16 (whose values f16
 * holds exactly within its range) or fp32, and f16 halves the 0.34 GB the decoder and encoder take
 * (`npm run plan`); accumulation stays f32. `convWeights: 'f32'` keeps the stored precision (golden checks).
 */
export async function loadVae(
  gpu: Gpu,
  file: ModelFile,
  cfg: VaeConfig,
  opts: { encoder: boolean; convWeights?: 'f16' | 'f32' },
  onProgress?: LoadProgress,
): Promise<AutoencoderKL> {
  const names = [...file.tensors.keys()].filter((k) => k.startsWith('decoder.') || (opts.encoder && k.startsWith('encoder.')));
  const up = new Uploader(gpu, file, DEFAULT_POLICY, names.length, onProgress);
  const half = (opts.convWeights ?? 'f16') === 'f16';
  return guarded(up, async () => {
    const map = new Map<string, Tensor>();
    for (const name of names) {
      map.set(name, half && vaeConvIsHalf(name, file.tensors.get(name)!.shape) ? await up.getHalf(name) : await up.get(name));
    }
    const lookup = (name: string): Tensor => {
      const t = map.get(name);
      if (!t) throw new StudioError('bad-model-file', `the VAE file has no tensor ${name}`);
      return t;
    };
    const hasEncoder = opts.encoder && names.some((n) => n.startsWith('encoder.'));
    return new AutoencoderKL(gpu, cfg, lookup, hasEncoder, up.loaded);
  });
}
