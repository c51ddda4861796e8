// zimage-base: the non-distilled Z-Image (BF16 transformer in 2 shards) with the Qwen3-4B Q4_K_M text encoder and
// the FLUX.1 VAE. The two transformer shards are DERIVED, NOT HEADER-EXACT: no manifest of the published base
// shards exists, so they are the Turbo diffusers transformer manifests re-typed BF16 and split into 2 shards
// (tools/standin.ts deriveShards; standinSets.ts), with Turbo's config.json. The text encoder and VAE stand-ins are
// header-exact. Recognition by the worker's code, then a representative subset load on a recording GPU
// (subsetLoad.ts); ZIMAGE_FULL_STANDINS=1 loads the whole set with loadZImage, as the worker does.
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
const dir = await mkdtemp(join(tmpdir(), 'zimage-base-'));
afterAll(() => rm(dir, { recursive: true, force: true }));
const { set, derived } = await buildStandinSet('zimage-base', dir);

describe('zimage-base stand-ins', () => {
  it('derive only the transformer (2 BF16 shards and its config), the rest header-exact', () => {
    expect(derived).toEqual([
      'transformer/config.json',
      'transformer/diffusion_pytorch_model-00001-of-00002.safetensors',
      'transformer/diffusion_pytorch_model-00002-of-00002.safetensors',
    ]);
    expect(set.capabilities).toMatchObject({ guidance: true, defaultSteps: 50 });
  });

  it('are recognised: DiT (diffusers names, BF16), Qwen3-4B (llama.cpp names, Q4_K_M), FLUX VAE', async () => {
    const o = await openNetworks(set);
    expectTurboDit(o.transformer, 'diffusers');
    expectQwen3_4B(o.textEncoder, 'llama.cpp');
    expectFluxVae(o.vae, 'flux');
    expect(Object.keys(o.transformer.file.bytesByDtype())).toEqual(['BF16']);
  });

  it('loads a representative subset through the production loaders on a recording GPU', async () => {
    const o = await openNetworks(set);
    const s = await loadSubset(o);
    const planned = plannedBytes(o); // the subset's full-size count is what npm run plan says
    expect(s.fullSize.transformer).toBe(planned.transformer);
    expect(s.fullSize.vae).toBe(planned.vae);

    expect(s.recorded.transformer).toBeGreaterThan(0);
    console.log(describeSubset('zimage-base (derived transformer)', s));
  }, 300_000);

  it.runIf(FULL)('loads fully through loadZImage (as the worker does) on a recording GPU (ZIMAGE_FULL_STANDINS=1)', async () => {
    const { gpu, rec } = recordingGpu();
    const t0 = performance.now();
    const loaded = await loadZImage(gpu, set, () => {});
    const by = bytesByNetwork(rec);
    expect(rec.liveBytes).toBe(loaded.weightBytes);
    expect(by).toEqual(plannedBytes(await openNetworks(set)));
    console.log(`[realfiles] zimage-base full: ${rec.allocatedBytes} bytes (transformer ${by.transformer}, text encoder ${by.textEncoder}, VAE ${by.vae}), load ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    loaded.release();
  }, 3_600_000);
});
