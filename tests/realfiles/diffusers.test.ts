// zimage-turbo-diffusers (the official Tongyi-MAI release: F32 transformer in 3 shards, BF16 Qwen3-4B in 3 shards,
// diffusers VAE, config.json for each) from header-exact full-size stand-ins: recognised by the model layer
// (models/zimage/openSet.ts openNetworks, configs from the set's config.json files), then loaded onto a recording
// GPU through the production loaders. Quantizing 24.6 GB + 8 GB on load takes minutes in Node, so the default run loads a
// representative subset through the same functions (subsetLoad.ts: one block of each kind, one text-encoder layer,
// the whole VAE); ZIMAGE_FULL_STANDINS=1 loads the whole set with loadZImage, as the worker does.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadZImage, openNetworks } from '../../src/models/zimage/networks.ts';
import { expectFluxVae, expectQwen3_4B, expectTurboDit, plannedBytes } from './expectations.ts';
import { bytesByNetwork, recordingGpu } from './recordingGpu.ts';
import { buildStandinSet } from './standinSets.ts';
import { describeSubset, loadSubset } from './subsetLoad.ts';

const FULL = process.env.ZIMAGE_FULL_STANDINS === '1';
const dir = await mkdtemp(join(tmpdir(), 'zimage-diffusers-'));
afterAll(() => rm(dir, { recursive: true, force: true }));
const { set, derived } = await buildStandinSet('zimage-turbo-diffusers', dir);

describe('zimage-turbo-diffusers stand-ins', () => {
  it('are all header-exact (nothing derived)', () => {
    expect(derived).toEqual([]);
    expect(set.files.transformer).toHaveLength(3);
    expect(set.files.textEncoder).toHaveLength(3);
    expect(Object.keys(set.files.configs).sort()).toEqual(['text_encoder', 'transformer', 'vae']);
  });

  it('are recognised: Turbo DiT, Qwen3-4B (HF names), VAE (diffusers names)', async () => {
    const o = await openNetworks(set);
    expectTurboDit(o.transformer, 'diffusers');
    expectQwen3_4B(o.textEncoder, 'hf');
    expectFluxVae(o.vae, 'diffusers');
    expect(Object.keys(o.transformer.file.bytesByDtype())).toEqual(['F32']);
    expect(Object.keys(o.textEncoder.file.bytesByDtype())).toEqual(['BF16']);
  });

  it('loads a representative subset through the production loaders on a recording GPU', async () => {
    const o = await openNetworks(set);
    const s = await loadSubset(o);
    const planned = plannedBytes(o); // the subset's full-size count is what npm run plan says
    expect(s.fullSize.transformer).toBe(planned.transformer);
    expect(s.fullSize.vae).toBe(planned.vae);
    expect(s.fullSize.textEncoder).toBe(planned.textEncoder);

    expect(s.recorded.transformer).toBeGreaterThan(0);
    expect(s.recorded.textEncoder).toBeGreaterThan(0);
    expect(s.recorded.vae).toBeGreaterThan(0);
    console.log(describeSubset('zimage-turbo-diffusers', s));
  }, 300_000);

  it.runIf(FULL)('loads fully through loadZImage (as the worker does) on a recording GPU (ZIMAGE_FULL_STANDINS=1)', async () => {
    const { gpu, rec } = recordingGpu();
    const t0 = performance.now();
    const loaded = await loadZImage(gpu, set, () => {});
    const by = bytesByNetwork(rec);
    expect(loaded.networks.transformer.w.layers).toHaveLength(30);
    expect(rec.liveBytes).toBe(loaded.weightBytes);
    expect(by).toEqual(plannedBytes(await openNetworks(set)));
    console.log(`[realfiles] zimage-turbo-diffusers full: ${rec.allocatedBytes} bytes (transformer ${by.transformer}, text encoder ${by.textEncoder}, VAE ${by.vae}), load ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    loaded.release();
  }, 3_600_000);
});
