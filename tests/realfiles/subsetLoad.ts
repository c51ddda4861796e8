// A representative part of a set loaded through the production loaders (models/zimage/load.ts) on a recording GPU:
// the embedders and final layer, one noise refiner, one context refiner and one main DiT layer; one text-encoder
// layer; the whole VAE. Every tensor kind and stored dtype of the file goes through the same code as a full load, in
// seconds instead of minutes, and the full-size GPU bytes follow by counting the repeated blocks.
import { loadTextEncoder, loadTransformer, loadVae } from '../../src/models/zimage/load.ts';
import { layersNeeded } from '../../src/models/zimage/config.ts';
import { DEFAULT_POLICY } from '../../src/weights/policy.ts';
import type { OpenedSet } from '../../src/models/zimage/networks.ts';
import { bytesByNetwork, bytesUnder, recordingGpu } from './recordingGpu.ts';

export interface SubsetLoad {
  seconds: { transformer: number; textEncoder: number; vae: number };
  /** Bytes recorded for the subset. */
  recorded: { transformer: number; textEncoder: number; vae: number };
  /**
   * Bytes the whole networks would put on the GPU: the subset with each repeated block counted as often as it occurs.
   * Null for a network whose repeated blocks differ in stored dtypes (Q4_K_M puts Q6_K in some layers only): then
   * one block does not stand for the others and only a full load tells.
   */
  fullSize: { transformer: number | null; textEncoder: number | null; vae: number };
}

/** Whether blocks `prefix.0` .. `prefix.(n-1)` all store the same tensors in the same dtypes. */
function uniform(file: OpenedSet['transformer']['file'], prefix: string, n: number): boolean {
  const signature = (i: number) =>
    [...file.tensors.values()]
      .filter((t) => t.name.startsWith(`${prefix}.${i}.`))
      .map((t) => `${t.name.slice(`${prefix}.${i}.`.length)}:${t.dtype}`)
      .sort()
      .join(',');
  const first = signature(0);
  for (let i = 1; i < n; i++) if (signature(i) !== first) return false;
  return true;
}

export async function loadSubset(o: OpenedSet): Promise<SubsetLoad> {
  const { gpu, rec } = recordingGpu();
  const dc = o.transformer.config;
  const t0 = performance.now();
  const dit = await loadTransformer(gpu, o.transformer.file, { ...dc, nLayers: 1, nRefinerLayers: 1 }, DEFAULT_POLICY);
  const t1 = performance.now();
  const te = await loadTextEncoder(gpu, o.textEncoder.file, o.textEncoder.config, DEFAULT_POLICY, undefined, 1);
  const t2 = performance.now();
  const vae = await loadVae(gpu, o.vae.file, o.vae.config, { encoder: true });
  const t3 = performance.now();
  if (dit.w.layers.length !== 1 || dit.w.noiseRefiner.length !== 1 || dit.w.contextRefiner.length !== 1 || te.w.layers.length !== 1)
    throw new Error('subset load did not load one block of each kind');
  const recorded = bytesByNetwork(rec);
  const layer = bytesUnder(rec, 'layers.N.');
  const noise = bytesUnder(rec, 'noise_refiner.N.');
  const context = bytesUnder(rec, 'context_refiner.N.');
  const teLayer = bytesUnder(rec, 'model.layers.N.');
  const teLayers = layersNeeded(o.textEncoder.config); // Z-Image uses hidden_states[-2]: the last layer is never loaded
  const df = o.transformer.file;
  const ditUniform = uniform(df, 'layers', dc.nLayers) && uniform(df, 'noise_refiner', dc.nRefinerLayers) && uniform(df, 'context_refiner', dc.nRefinerLayers);
  const teUniform = uniform(o.textEncoder.file, 'model.layers', teLayers);
  dit.release();
  te.release();
  vae.release();
  return {
    seconds: { transformer: (t1 - t0) / 1000, textEncoder: (t2 - t1) / 1000, vae: (t3 - t2) / 1000 },
    recorded,
    fullSize: {
      transformer: ditUniform ? recorded.transformer + (dc.nLayers - 1) * layer + (dc.nRefinerLayers - 1) * (noise + context) : null,
      textEncoder: teUniform ? recorded.textEncoder + (teLayers - 1) * teLayer : null,
      vae: recorded.vae,
    },
  };
}

export function describeSubset(id: string, s: SubsetLoad): string {
  const f = (n: number | null) => (n === null ? 'not extrapolated: layers mix dtypes' : `${n} = ${(n / 1e9).toFixed(3)} GB`);
  return (
    `[realfiles] ${id} subset load: transformer ${s.recorded.transformer} bytes in ${s.seconds.transformer.toFixed(1)} s (full size ${f(s.fullSize.transformer)}), ` +
    `text encoder ${s.recorded.textEncoder} bytes in ${s.seconds.textEncoder.toFixed(1)} s (full size ${f(s.fullSize.textEncoder)}), ` +
    `VAE ${s.recorded.vae} bytes in ${s.seconds.vae.toFixed(1)} s`
  );
}
