// A Z-Image set on the GPU: loadZImage(gpu, files) opens a set's files (openSet.ts), loads its networks and returns
// them as the pipelines use them (ZImageNetworks), with what loads later on demand: the text encoder again after
// low-memory mode released it, the ControlNet on first use, Qwen3 as a chat LM for the prompt enhancer.
import type { Gpu } from '../../engine/gpu.ts';
import { StudioError } from '../../lib/errors.ts';
import { openModelFile } from '../../weights/modelFile.ts';
import { DEFAULT_POLICY } from '../../weights/policy.ts';
import { BlobSource } from '../../weights/source.ts';
import type { AutoencoderKL } from './autoencoder.ts';
import { capabilitiesOf, type LoadedCapabilities } from './capabilities.ts';
import type { ZImageControlNet } from './control.ts';
import { controlConfigFromFile, parseControlConfig } from './controlConfig.ts';
import { loadTextEncoder, loadTransformer, loadVae } from './load.ts';
import { loadControlNet } from './loadControl.ts';
import { canRunLm, loadLmParts, type LmParts } from './loadLm.ts';
import { loadTaef1 } from './loadTaef1.ts';
import { configJson, openNetworks, openShards, type SetFiles } from './openSet.ts';
import type { Qwen3Lm } from './qwen3Lm.ts';
import { BASE_SHIFT, TURBO_SHIFT } from './scheduler.ts';
import type { Taef1 } from './taef1.ts';
import type { Qwen3TextEncoder } from './textEncoder.ts';
import { ZImageTokenizer } from './tokenizer.ts';
import type { ZImageTransformer } from './transformer.ts';

export type { OpenedSet, SetFiles } from './openSet.ts';
export { openNetworks } from './openSet.ts';

export interface ZImageNetworks {
  gpu: Gpu;
  tokenizer: ZImageTokenizer;
  /** Loaded on demand: low-memory mode releases it after encoding. */
  textEncoder: () => Promise<Qwen3TextEncoder>;
  releaseTextEncoder: () => void;
  transformer: ZImageTransformer;
  vae: AutoencoderKL;
  shift: number;
  /** The stored ControlNet, loaded on first use (about 2.3 GB as INT4), or null when none is stored. */
  controlNet?: () => Promise<ZImageControlNet | null>;
}

export interface LoadedZImage {
  networks: ZImageNetworks;
  /** The set's catalog capabilities as its loaded files confirm them (capabilities.ts). */
  capabilities: LoadedCapabilities;
  /**
   * Qwen3 as a chat model over the text encoder's layers (loaded if released). Its own weights (the last layer,
   * the final norm, the token table as the head) stay until releaseLm(), which the enhancer calls when done: they
   * are never resident while the DiT runs. Throws 'bad-model-file' when the file lacks the last layer or norm.
   */
  lm(): Promise<Qwen3Lm>;
  releaseLm(): void;
  /** The TAEF1 preview decoder, or null when the set has none (or it could not be read): then no previews. */
  previews: Taef1 | null;
  weightBytes: number; // bytes on the GPU once loaded
  release(): void;
}

/** Load progress: the network being loaded and the fraction of the whole load done (0..1). */
export type LoadPhase = (what: string, fraction: number) => void;

export async function loadZImage(gpu: Gpu, set: SetFiles, onPhase: LoadPhase): Promise<LoadedZImage> {
  onPhase('tokenizer', 0);
  const tokJson = JSON.parse(await (await set.blob(set.files.tokenizer)).text());
  const tokenizer = ZImageTokenizer.fromJson(tokJson);

  const opened = await openNetworks(set);
  const { file: ditFile, config: ditCfg } = opened.transformer;
  const { file: teFile, config: teCfg } = opened.textEncoder;
  const { file: vaeFile, config: vaeCfg } = opened.vae;

  const parts: { release(): void }[] = [];
  try {
    const transformer: ZImageTransformer = await loadTransformer(gpu, ditFile, ditCfg, DEFAULT_POLICY, (d, t) => onPhase('transformer', d / t));
    parts.push(transformer);
    const vae: AutoencoderKL = await loadVae(gpu, vaeFile, vaeCfg, { encoder: true }, (d, t) => onPhase('vae', d / t));
    parts.push(vae);
    const previews = await loadPreviews(gpu, set);
    if (previews) parts.push(previews);
    let te: Qwen3TextEncoder | null = await loadTextEncoder(gpu, teFile, teCfg, DEFAULT_POLICY, (d, t) => onPhase('text encoder', d / t));
    onPhase('ready', 1);
    let lmParts: LmParts | null = null; // borrows te's layers: released with it
    const releaseLm = () => {
      lmParts?.release();
      lmParts = null;
    };
    let control: Promise<ZImageControlNet | null> | null = null; // loaded on first use, kept with the set
    const controlNames = set.files.controlnet ?? [];
    const networks: ZImageNetworks = {
      gpu,
      controlNet: () =>
        (control ??= (async () => {
          if (!controlNames.length) return null;
          const file = await openShards(set, controlNames);
          const json = await configJson(set, 'controlnet');
          const cfg = json ? parseControlConfig(json) : controlConfigFromFile(file, ditCfg.nLayers);
          const net = await loadControlNet(gpu, file, ditCfg, cfg, DEFAULT_POLICY);
          parts.push(net);
          return net;
        })().catch((err: unknown) => {
          control = null;
          throw err;
        })),
      tokenizer,
      transformer,
      vae,
      shift: set.capabilities.guidance ? BASE_SHIFT : TURBO_SHIFT,
      textEncoder: async () => (te ??= await loadTextEncoder(gpu, teFile, teCfg, DEFAULT_POLICY)),
      releaseTextEncoder: () => {
        releaseLm();
        te?.release();
        te = null;
      },
    };
    return {
      networks,
      capabilities: capabilitiesOf(set, ditCfg),
      lm: async () => {
        if (!canRunLm(teFile, teCfg))
          throw new StudioError('bad-model-file', "This text encoder file holds only the layers image generation uses, so it cannot run as the prompt enhancer; use a full Qwen3-4B text encoder file.");
        const encoder = await networks.textEncoder();
        lmParts ??= await loadLmParts(gpu, teFile, teCfg, encoder, DEFAULT_POLICY);
        return lmParts.lm;
      },
      releaseLm,
      previews,
      weightBytes: gpu.pool.stats().inUseBytes,
      release: () => {
        networks.releaseTextEncoder();
        for (const p of parts) p.release();
      },
    };
  } catch (err) {
    for (const p of parts) p.release();
    throw err;
  }
}

/**
 * The set's TAEF1 decoder (the optional `previews` file), or null: a set without one, or with one that cannot be
 * read, generates as before, only without live previews.
 */
async function loadPreviews(gpu: Gpu, set: SetFiles): Promise<Taef1 | null> {
  const names = set.files.previews ?? [];
  if (names.length === 0) return null;
  try {
    const files = await Promise.all(names.map(async (n) => openModelFile(new BlobSource(await set.blob(n), n))));
    return await loadTaef1(gpu, files, { encoder: false });
  } catch (err) {
    console.warn(`Live previews are off: the TAEF1 file could not be loaded (${(err as Error).message}).`);
    return null;
  }
}
