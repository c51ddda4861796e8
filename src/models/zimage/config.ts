// The one config per network (DiT, Qwen3 text encoder, VAE), with the real Z-Image-Turbo values (zimage-spec §3),
// built either from the diffusers / HF config.json files (the golden tiny models use the same fields) or, for a set
// that ships none, from the dims detection measured in the file (weights/detect.ts): the values shapes cannot
// tell (eps, RoPE axes and theta, timestep scale) are then the published ones.
import type { DitDims, Qwen3Dims, VaeDims } from '../../weights/detect.ts';

export interface TransformerConfig {
  dim: number; // D
  nHeads: number;
  nKvHeads: number;
  nLayers: number;
  nRefinerLayers: number;
  inChannels: number; // 16
  patchSize: number; // 2
  capFeatDim: number; // 2560
  normEps: number; // 1e-5
  ropeTheta: number; // 256
  tScale: number; // 1000
  axesDims: [number, number, number]; // sums to headDim
  axesLens: [number, number, number];
  /** Omni mode: SigLIP feature width, or null for the standard model. */
  siglipFeatDim: number | null;
}

export interface VaeConfig {
  inChannels: number;
  outChannels: number;
  latentChannels: number;
  blockOutChannels: number[];
  layersPerBlock: number;
  normGroups: number;
  scalingFactor: number;
  shiftFactor: number;
}

export interface TextEncoderConfig {
  vocabSize: number;
  hiddenSize: number;
  nHeads: number;
  nKvHeads: number;
  headDim: number;
  nLayers: number;
  intermediateSize: number;
  rmsNormEps: number;
  ropeTheta: number;
}

export const TURBO_TRANSFORMER: TransformerConfig = {
  dim: 3840,
  nHeads: 30,
  nKvHeads: 30,
  nLayers: 30,
  nRefinerLayers: 2,
  inChannels: 16,
  patchSize: 2,
  capFeatDim: 2560,
  normEps: 1e-5,
  ropeTheta: 256,
  tScale: 1000,
  axesDims: [32, 48, 48],
  axesLens: [1536, 512, 512],
  siglipFeatDim: null,
};

export const FLUX_VAE: VaeConfig = {
  inChannels: 3,
  outChannels: 3,
  latentChannels: 16,
  blockOutChannels: [128, 256, 512, 512],
  layersPerBlock: 2,
  normGroups: 32,
  scalingFactor: 0.3611,
  shiftFactor: 0.1159,
};

export const QWEN3_4B: TextEncoderConfig = {
  vocabSize: 151936,
  hiddenSize: 2560,
  nHeads: 32,
  nKvHeads: 8,
  headDim: 128,
  nLayers: 36,
  intermediateSize: 9728,
  rmsNormEps: 1e-6,
  ropeTheta: 1_000_000,
};

export const headDim = (c: TransformerConfig) => c.dim / c.nHeads;
/** FFN hidden width: int(dim / 3 * 8). */
/** Whether the DiT has the omni (image-conditioned) inputs: SigLIP embedder and refiner weights. */
export const hasOmniInputs = (c: Pick<TransformerConfig, 'siglipFeatDim'>) => c.siglipFeatDim !== null;
export const ffnDim = (c: TransformerConfig) => Math.floor((c.dim / 3) * 8);
export const SEQ_MULTIPLE = 32;

/** How many text-encoder decoder layers produce hidden_states[-2], all Z-Image reads. */
export const layersNeeded = (cfg: TextEncoderConfig) => cfg.nLayers - 1;

type Json = Record<string, unknown>;
const num = (j: Json, k: string, d?: number): number => {
  const v = j[k] ?? d;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`config: ${k} missing or not a number`);
  return v;
};
const triple = (j: Json, k: string, d: [number, number, number]): [number, number, number] => {
  const v = (j[k] ?? d) as number[];
  if (!Array.isArray(v) || v.length !== 3) throw new Error(`config: ${k} must have 3 entries`);
  return [v[0], v[1], v[2]];
};

export function parseTransformerConfig(j: Json): TransformerConfig {
  const patch = (j.all_patch_size as number[] | undefined)?.[0] ?? 2;
  const c: TransformerConfig = {
    dim: num(j, 'dim'),
    nHeads: num(j, 'n_heads'),
    nKvHeads: num(j, 'n_kv_heads', num(j, 'n_heads')),
    nLayers: num(j, 'n_layers'),
    nRefinerLayers: num(j, 'n_refiner_layers', 2),
    inChannels: num(j, 'in_channels', 16),
    patchSize: patch,
    capFeatDim: num(j, 'cap_feat_dim'),
    normEps: num(j, 'norm_eps', 1e-5),
    ropeTheta: num(j, 'rope_theta', 256),
    tScale: num(j, 't_scale', 1000),
    axesDims: triple(j, 'axes_dims', [32, 48, 48]),
    axesLens: triple(j, 'axes_lens', [1536, 512, 512]),
    siglipFeatDim: typeof j.siglip_feat_dim === 'number' ? j.siglip_feat_dim : null,
  };
  if (c.axesDims[0] + c.axesDims[1] + c.axesDims[2] !== headDim(c)) throw new Error('config: axes_dims must sum to the head dim');
  return c;
}

export function parseVaeConfig(j: Json): VaeConfig {
  return {
    inChannels: num(j, 'in_channels', 3),
    outChannels: num(j, 'out_channels', 3),
    latentChannels: num(j, 'latent_channels', 16),
    blockOutChannels: (j.block_out_channels as number[] | undefined) ?? FLUX_VAE.blockOutChannels,
    layersPerBlock: num(j, 'layers_per_block', 2),
    normGroups: num(j, 'norm_num_groups', 32),
    scalingFactor: num(j, 'scaling_factor', 0.3611),
    shiftFactor: num(j, 'shift_factor', 0.1159),
  };
}

export function parseTextEncoderConfig(j: Json): TextEncoderConfig {
  const hidden = num(j, 'hidden_size');
  const heads = num(j, 'num_attention_heads');
  return {
    vocabSize: num(j, 'vocab_size'),
    hiddenSize: hidden,
    nHeads: heads,
    nKvHeads: num(j, 'num_key_value_heads', heads),
    headDim: num(j, 'head_dim', hidden / heads),
    nLayers: num(j, 'num_hidden_layers'),
    intermediateSize: num(j, 'intermediate_size'),
    rmsNormEps: num(j, 'rms_norm_eps', 1e-6),
    ropeTheta: num(j, 'rope_theta', 1_000_000),
  };
}

/** Z-Image splits the head dim into RoPE axes of hd/4, 3hd/8, 3hd/8 ([32, 48, 48] for 128). */
export function transformerConfigFromDims(d: DitDims): TransformerConfig {
  const hd = d.headDim;
  return {
    dim: d.dim,
    nHeads: d.nHeads,
    nKvHeads: d.nKvHeads,
    nLayers: d.nLayers,
    nRefinerLayers: d.nNoiseRefiner,
    inChannels: d.patchIn / 4, // patch features = channels * 2 * 2
    patchSize: 2,
    capFeatDim: d.capFeatDim,
    normEps: TURBO_TRANSFORMER.normEps,
    ropeTheta: TURBO_TRANSFORMER.ropeTheta,
    tScale: TURBO_TRANSFORMER.tScale,
    axesDims: [hd / 4, (3 * hd) / 8, (3 * hd) / 8],
    axesLens: [...TURBO_TRANSFORMER.axesLens],
    siglipFeatDim: d.siglipFeatDim,
  };
}

export function textEncoderConfigFromDims(q: Qwen3Dims): TextEncoderConfig {
  return {
    vocabSize: q.vocabSize,
    hiddenSize: q.hiddenSize,
    nHeads: q.numHeads,
    nKvHeads: q.numKvHeads,
    headDim: q.headDim,
    nLayers: q.numLayers,
    intermediateSize: q.intermediateSize,
    rmsNormEps: QWEN3_4B.rmsNormEps,
    ropeTheta: QWEN3_4B.ropeTheta,
  };
}

export function vaeConfigFromDims(v: VaeDims): VaeConfig {
  return { ...FLUX_VAE, blockOutChannels: v.blockOutChannels, layersPerBlock: v.layersPerBlock, latentChannels: v.latentChannels, inChannels: v.inChannels, outChannels: v.outChannels };
}

/** VAE decode tile side in latents (384 px) and overlap (64 px): keeps decode activations near 0.4 GB at any size. */
export const TILE_LATENTS = 48;
export const TILE_OVERLAP = 8;
