// What the real networks are (the published configs: Z-Image-Turbo transformer/config.json, Qwen3-4B config.json,
// the FLUX.1 autoencoder), asserted on a set opened by the worker's code (models/zimage/openSet.ts openNetworks).
import { expect } from 'vitest';
import { ffnDim } from '../../src/models/zimage/config.ts';
import { weighSet } from '../../src/models/zimage/planFiles.ts';
import type { OpenedSet } from '../../src/models/zimage/networks.ts';

type Opened<K extends keyof OpenedSet> = OpenedSet[K];

function expectClean(file: Opened<'transformer'>['file']): void {
  const r = file.detect();
  expect({ ok: r.ok, missing: r.missing, unexpected: r.unexpected, misshaped: r.misshaped, problems: r.problems }).toEqual({ ok: true, missing: [], unexpected: [], misshaped: [], problems: [] });
}

export function expectTurboDit({ file, config: c }: Opened<'transformer'>, naming: string): void {
  expectClean(file);
  expect(file.network).toBe('dit');
  expect(file.naming).toBe(naming);
  expect({ dim: c.dim, nHeads: c.nHeads, nKvHeads: c.nKvHeads, nLayers: c.nLayers, nRefinerLayers: c.nRefinerLayers, capFeatDim: c.capFeatDim, inChannels: c.inChannels, patchSize: c.patchSize })
    .toEqual({ dim: 3840, nHeads: 30, nKvHeads: 30, nLayers: 30, nRefinerLayers: 2, capFeatDim: 2560, inChannels: 16, patchSize: 2 });
  expect(ffnDim(c)).toBe(10240);
  expect(c.axesDims).toEqual([32, 48, 48]);
  expect(file.tensors.get('layers.29.feed_forward.w1.weight')?.shape).toEqual([10240, 3840]);
  expect(file.tensors.get('x_pad_token')?.shape).toEqual([1, 3840]);
  expect(file.tensors.get('cap_pad_token')?.shape).toEqual([1, 3840]);
  expect(file.tensors.has('context_refiner.1.attention.to_q.weight')).toBe(true);
  expect(file.tensors.has('noise_refiner.1.adaLN_modulation.0.weight')).toBe(true);
}

export function expectQwen3_4B({ file, config: c }: Opened<'textEncoder'>, naming: string): void {
  expectClean(file);
  expect(file.network).toBe('qwen3');
  expect(file.naming).toBe(naming);
  expect({ hiddenSize: c.hiddenSize, nLayers: c.nLayers, nHeads: c.nHeads, nKvHeads: c.nKvHeads, headDim: c.headDim, intermediateSize: c.intermediateSize, vocabSize: c.vocabSize })
    .toEqual({ hiddenSize: 2560, nLayers: 36, nHeads: 32, nKvHeads: 8, headDim: 128, intermediateSize: 9728, vocabSize: 151936 });
  expect(file.tensors.get('model.embed_tokens.weight')?.shape).toEqual([151936, 2560]);
}

export function expectFluxVae({ file, config: c }: Opened<'vae'>, naming: string): void {
  expectClean(file);
  expect(file.network).toBe('vae');
  expect(file.naming).toBe(naming);
  expect({ latentChannels: c.latentChannels, blockOutChannels: c.blockOutChannels, layersPerBlock: c.layersPerBlock, inChannels: c.inChannels, outChannels: c.outChannels })
    .toEqual({ latentChannels: 16, blockOutChannels: [128, 256, 512, 512], layersPerBlock: 2, inChannels: 3, outChannels: 3 });
}

/**
 * What `npm run plan` says a set puts on the GPU (models/zimage/planFiles.ts weighSet, the worker loading the VAE
 * encoder too), per network: the loads in these tests must record exactly this.
 */
export function plannedBytes(o: OpenedSet): { transformer: number; textEncoder: number; vae: number } {
  const w = weighSet({ ...o, vae: { ...o.vae, encoder: true } });
  return { transformer: w.transformer.total, textEncoder: w.textEncoder.total, vae: w.vae.total };
}
