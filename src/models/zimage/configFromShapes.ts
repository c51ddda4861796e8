// Model configs from the shapes a file holds (weights/detect.ts), for sets that ship no config.json: the values
// shapes cannot tell (eps, RoPE) are the published ones (zimage-spec §3).
import { StudioError } from '../../lib/errors.ts';
import type { ModelFile } from '../../weights/modelFile.ts';
import type { DitConfig, Qwen3Config, VaeConfig as DetectedVae } from '../../weights/detect.ts';
import { FLUX_VAE, type TextEncoderConfig, type TransformerConfig, type VaeConfig } from './config.ts';

/** Z-Image splits the head dim into RoPE axes of hd/4, 3hd/8, 3hd/8 ([32, 48, 48] for 128). */
export function ditConfigFromShapes(d: DitConfig): TransformerConfig {
  const hd = d.headDim;
  return {
    dim: d.dim,
    nHeads: d.nHeads,
    nKvHeads: d.nKvHeads,
    nLayers: d.nLayers,
    nRefinerLayers: d.nNoiseRefiner,
    inChannels: d.patchIn / 4,
    patchSize: 2,
    capFeatDim: d.capFeatDim,
    normEps: 1e-5,
    ropeTheta: 256,
    tScale: 1000,
    axesDims: [hd / 4, (3 * hd) / 8, (3 * hd) / 8],
    axesLens: [1536, 512, 512],
    siglipFeatDim: d.siglipFeatDim,
  };
}

export function qwenConfigFromShapes(q: Qwen3Config): TextEncoderConfig {
  return {
    vocabSize: q.vocabSize,
    hiddenSize: q.hiddenSize,
    nHeads: q.numHeads,
    nKvHeads: q.numKvHeads,
    headDim: q.headDim,
    nLayers: q.numLayers,
    intermediateSize: q.intermediateSize,
    rmsNormEps: 1e-6,
    ropeTheta: 1_000_000,
  };
}

export function vaeConfigFromShapes(v: DetectedVae): VaeConfig {
  return { ...FLUX_VAE, blockOutChannels: v.blockOutChannels, layersPerBlock: v.layersPerBlock, latentChannels: v.latentChannels, inChannels: v.inChannels, outChannels: v.outChannels };
}

/** The config a file's shapes imply, for the network the caller expects. */
export function inferred<T>(f: ModelFile, network: 'dit' | 'qwen3' | 'vae', names: string[]): T {
  const name = names[0];
  const c = f.detect().config;
  if (!c || c.network !== network) throw new StudioError('bad-model-file', `${name} does not hold the expected ${network} network.`);
  return c.config as T;
}
