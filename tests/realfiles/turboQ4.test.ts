// zimage-turbo-q4 (the recommended set) from header-exact full-size stand-ins: the model layer recognises each file
// (models/zimage/openSet.ts openNetworks: detection, naming, inferred configs) and loads the whole set
// (models/zimage/networks.ts loadZImage, the worker's own load) onto a recording GPU, which counts what the production loaders put on the device.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadZImage, openNetworks } from '../../src/models/zimage/networks.ts';
import { expectFluxVae, expectQwen3_4B, expectTurboDit, plannedBytes } from './expectations.ts';
import { bytesByNetwork, recordingGpu } from './recordingGpu.ts';
import { buildStandinSet } from './standinSets.ts';
import { describeSubset, loadSubset } from './subsetLoad.ts';

const dir = await mkdtemp(join(tmpdir(), 'zimage-q4-'));
afterAll(() => rm(dir, { recursive: true, force: true }));
const { set, derived } = await buildStandinSet('zimage-turbo-q4', dir);

describe('zimage-turbo-q4 stand-ins', () => {
  it('are all header-exact (nothing derived)', () => {
    expect(derived).toEqual([]);
  });

  it('are recognised: Turbo DiT (Comfy names, GGUF Q4_0), Qwen3-4B (llama.cpp names, Q4_K_M), FLUX VAE', async () => {
    const o = await openNetworks(set);
    expectTurboDit(o.transformer, 'comfy');
    expectQwen3_4B(o.textEncoder, 'llama.cpp');
    expectFluxVae(o.vae, 'flux');
    expect(o.transformer.file.bytesByDtype()).toMatchObject({ Q4_0: expect.any(Number), Q8_0: expect.any(Number), F32: expect.any(Number) });
    expect(Object.keys(o.textEncoder.file.bytesByDtype()).sort()).toEqual(['F32', 'Q4_K', 'Q6_K']);
  });

  it('loads fully through loadZImage (as the worker does) on a recording GPU', async () => {
    const { gpu, rec } = recordingGpu();
    const phases = new Map<string, number>();
    const t0 = performance.now();
    const loaded = await loadZImage(gpu, set, (what) => {
      if (!phases.has(what)) phases.set(what, performance.now() - t0);
    });
    const seconds = (performance.now() - t0) / 1000;
    const n = loaded.networks;
    expect(n.transformer.w.layers).toHaveLength(30);
    expect(n.transformer.w.noiseRefiner).toHaveLength(2);
    expect(n.transformer.w.contextRefiner).toHaveLength(2);
    expect(n.transformer.w.xPadToken).toHaveLength(3840);
    expect(rec.allocatedBytes).toBeGreaterThan(0);
    expect(rec.writtenBytes).toBe(rec.allocatedBytes); // every weight buffer is written at creation
    expect(rec.liveBytes).toBe(loaded.weightBytes); // the engine's own accounting agrees with the device
    const by = bytesByNetwork(rec);
    expect(by.transformer + by.textEncoder + by.vae).toBe(rec.allocatedBytes);
    expect(by).toEqual(plannedBytes(await openNetworks(set))); // npm run plan is exact about what a load allocates
    console.log(`[realfiles] zimage-turbo-q4: ${rec.buffers} buffers, ${rec.allocatedBytes} bytes on the GPU (transformer ${by.transformer}, text encoder ${by.textEncoder}, VAE ${by.vae}), load ${seconds.toFixed(1)} s; phases at ${[...phases].map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`).join(', ')}`);
    loaded.release();
    // The subset load the diffusers and base tests use, checked here against a real full load: its full-size count
    // must equal what the full load recorded, network by network; Q4_K_M's layers mix dtypes, so it makes no claim
    // for the text encoder.
    const s = await loadSubset(await openNetworks(set));
    console.log(describeSubset('zimage-turbo-q4', s));
    expect(s.fullSize).toEqual({ ...by, textEncoder: null });
  }, 600_000);
});
