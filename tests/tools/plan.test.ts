// npm run plan: the recommended set as published (bundled header manifests), and --files on actual files.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { manifestModelFile, readManifest } from '../../tools/manifest.ts';
import { plan, type PlanReport, RECOMMENDED_MANIFESTS } from '../../tools/planCore.ts';
import { goldenDir } from '../goldenDir.ts';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const g = (name: string): string => join(goldenDir(), name);

async function planJson(args: string[]): Promise<PlanReport> {
  const r = await plan([...args, '--json']);
  expect(r.code, r.out).toBe(0);
  return JSON.parse(r.out) as PlanReport;
}

describe('npm run plan', () => {
  it('the bundled manifests are the published structures of ../shared/realfiles, byte for byte', () => {
    for (const m of RECOMMENDED_MANIFESTS)
      expect(readFileSync(join(repo, 'tools/published', m), 'utf8'), m).toBe(readFileSync(join(goldenDir(), '../realfiles', m), 'utf8'));
  });

  it('plans the recommended set as published: blocks kept as stored, within every budget at 1024²', async () => {
    const r = await planJson([]);
    const { transformer, textEncoder, vae } = r.networks;
    expect([transformer.naming, textEncoder.naming, vae.naming]).toEqual(['comfy', 'llama.cpp', 'flux']);
    expect(transformer.config).toMatchObject({ dim: 3840, nHeads: 30, nLayers: 30, nRefinerLayers: 2, capFeatDim: 2560 });
    expect(textEncoder.config).toMatchObject({ hiddenSize: 2560, nLayers: 36, nHeads: 32, nKvHeads: 8, headDim: 128, intermediateSize: 9728, vocabSize: 151936 });
    expect(Object.keys(transformer.weights.byFormat).sort()).toEqual(['Q4_0', 'Q8_0', 'f32']);
    expect(Object.keys(textEncoder.weights.byFormat).sort()).toEqual(['Q4_K', 'Q6_K', 'f32']);
    // The DiT's blocks take exactly their published bytes: every Q4_0 / Q8_0 tensor of the file.
    const dit = manifestModelFile([await readManifest(join(repo, 'tools/published', RECOMMENDED_MANIFESTS[0]))]);
    for (const type of ['Q4_0', 'Q8_0']) expect(transformer.weights.byFormat[type], type).toBe(dit.bytesByDtype()[type]);
    // The text encoder's 35 layers (hidden_states[-2]), not the token table (151936 x 2560 Q6_K) nor layer 35.
    const te = manifestModelFile([await readManifest(join(repo, 'tools/published', RECOMMENDED_MANIFESTS[1]))]);
    const layerBytes = [...te.tensors.values()].filter((t) => /^model\.layers\.(\d|[12]\d|3[0-4])\./.test(t.name) && t.dtype !== 'F32').reduce((a, t) => a + t.byteLength, 0);
    expect(textEncoder.weights.byFormat.Q4_K + textEncoder.weights.byFormat.Q6_K).toBe(layerBytes);
    expect(r.weightsTotal).toBeLessThanOrEqual(6.2e9);
    const at1024 = r.sizes.find((s) => s.size === 1024)!;
    expect(at1024.peakBytes.fast).toBeLessThanOrEqual(7.0e9);
    expect(at1024.peakBytes.lowMemory).toBeLessThanOrEqual(5.0e9);
    expect(r.withinBudget).toBe(true);
    expect(r.sizes.map((s) => s.size)).toEqual([512, 768, 1024]);
  });

  it('--files plans actual files by their stored types, in any order, with --size', async () => {
    const r = await planJson(['--files', g('vae_flux_names.safetensors'), g('transformer-Q4_0.gguf'), g('text_encoder.safetensors'), '--size', '640']);
    expect(r.networks.transformer.files).toEqual(['transformer-Q4_0.gguf']);
    expect(r.networks.transformer.config).toMatchObject({ dim: 96, nHeads: 3, nLayers: 2 });
    expect(r.networks.transformer.weights.byFormat.Q4_0).toBeGreaterThan(0);
    expect(r.networks.textEncoder.weights.byFormat.q4).toBeGreaterThan(0); // F32 matrices quantized on load
    expect(r.sizes.map((s) => s.size)).toEqual([512, 640, 768, 1024]);
    const text = await plan(['--files', g('transformer-Q8_0.gguf'), g('text_encoder.safetensors'), g('vae_diffusers_names.safetensors')]);
    expect(text.out).toMatch(/transformer .* on the GPU \(.*Q8_0 /);
  });

  it('exits 2 with one line when the files are not a loadable set', async () => {
    const cases: [string[], RegExp][] = [
      [[g('transformer-Q4_0.gguf'), g('text_encoder.safetensors')], /^plan: not a loadable set: no VAE among the files$/],
      [[g('transformer-Q4_0.gguf'), g('transformer-Q8_0.gguf'), g('text_encoder.safetensors'), g('vae_flux_names.safetensors')], /only safetensors shards of one network can be joined/],
      [[g('quants.gguf'), g('text_encoder.safetensors')], /quants\.gguf is not a Z-Image DiT/],
      [[g('transformer-Q4_0.gguf'), g('text_encoder.safetensors'), join(goldenDir(), 'nope.safetensors')], /cannot read a file \(ENOENT\)/],
    ];
    for (const [files, re] of cases) {
      const r = await plan(['--files', ...files]);
      expect(r.code, r.out).toBe(2);
      expect(r.out.split('\n')).toHaveLength(1);
      expect(r.out).toMatch(re);
    }
    expect((await plan(['--files'])).code).toBe(1);
    expect((await plan(['--size', '100'])).code).toBe(1);
  });
});
