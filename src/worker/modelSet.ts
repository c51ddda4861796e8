// Turns a model set's files (the embedded self-test from the app's origin, or a stored set) into networks on the
// GPU: configs from *_config.json when the set has them, otherwise inferred from tensor shapes.
import { parseControlConfig } from '../models/zimage/controlConfig.ts';
import { controlConfigFromFile } from '../models/zimage/controlConfig.ts';
import { loadControlNet } from '../models/zimage/loadControl.ts';
import type { ZImageControlNet } from '../models/zimage/control.ts';
import type { Gpu } from '../engine/gpu.ts';
import { StudioError } from '../lib/errors.ts';
import type { AutoencoderKL } from '../models/zimage/autoencoder.ts';
import { parseTextEncoderConfig, parseTransformerConfig, parseVaeConfig, type TextEncoderConfig, type TransformerConfig, type VaeConfig } from '../models/zimage/config.ts';
import { ditConfigFromShapes, inferred, qwenConfigFromShapes, vaeConfigFromShapes } from '../models/zimage/configFromShapes.ts';
import { loadTextEncoder, loadTransformer, loadVae } from '../models/zimage/load.ts';
import type { ZImageNetworks } from '../models/zimage/networks.ts';
import { BASE_SHIFT, TURBO_SHIFT } from '../models/zimage/scheduler.ts';
import type { Qwen3TextEncoder } from '../models/zimage/textEncoder.ts';
import { canRunLm, loadLmParts, type LmParts } from '../models/zimage/loadLm.ts';
import type { Qwen3Lm } from '../models/zimage/qwen3Lm.ts';
import { ZImageTokenizer } from '../models/zimage/tokenizer.ts';
import type { ZImageTransformer } from '../models/zimage/transformer.ts';
import { type DitConfig, type Qwen3Config, type VaeConfig as DetectedVae, describeRefusal } from '../weights/detect.ts';
import { type ModelFile, openModelFile, openShardFiles } from '../weights/modelFile.ts';
import { loadTaef1 } from '../models/zimage/loadTaef1.ts';
import type { Taef1 } from '../models/zimage/taef1.ts';
import { DEFAULT_POLICY } from '../weights/policy.ts';
import { BlobSource } from '../weights/source.ts';

export interface SetFiles {
  id: string;
  label: string;
  selfTest: boolean;
  guidance: boolean;
  /** File names by role; a network may be split into several safetensors shards. */
  files: {
    transformer: string[];
    textEncoder: string[];
    vae: string[];
    tokenizer: string;
    configs: Record<string, string>;
    /** The optional TAEF1 preview decoder (one diffusers file, or taesd.py's decoder file); absent or empty: no previews. */
    previews?: string[];
    /** The optional ControlNet file(s) (loaded on first use). */
    controlnet?: string[];
  };
  blob(name: string): Promise<Blob>;
}

export interface LoadedSet {
  networks: ZImageNetworks;
  /**
   * Qwen3 as a chat model over the text encoder's layers (loaded if released). Its own weights (the last layer,
   * the final norm, the token table as the head) stay until releaseLm(), which the enhancer calls when done: they
   * are never resident while the DiT runs. Throws 'bad-model-file' when the file lacks the last layer or norm.
   */
  lm(): Promise<Qwen3Lm>;
  releaseLm(): void;
  /** The TAEF1 preview decoder, or null when the set has none (or it could not be read): then no previews. */
  previews: Taef1 | null;
  weightBytes: number;
  release(): void;
}

async function openFile(set: SetFiles, names: string[]): Promise<ModelFile> {
  const name = names.length === 1 ? names[0] : `${names[0]} (+${names.length - 1} shards)`;
  const f = await openShardFiles(await Promise.all(names.map(async (n) => new BlobSource(await set.blob(n), n))));
  const report = f.detect();
  if (!report.ok) {
    const problems = describeRefusal(report, (n) => f.tensors.get(n)?.fileName ?? n, 3);
    const what = report.network === 'unknown' ? 'model' : report.network;
    throw new StudioError('bad-model-file', `${name} is not a usable ${what} file: ${problems.join('; ') || 'unrecognised tensors'}.`);
  }
  return f;
}

async function configJson(set: SetFiles, key: string): Promise<Record<string, unknown> | null> {
  const name = set.files.configs[key];
  if (!name) return null;
  try {
    return JSON.parse(await (await set.blob(name)).text());
  } catch {
    throw new StudioError('bad-model-file', `${name} is not valid JSON.`);
  }
}

export type LoadPhase = (what: string, fraction: number) => void;

/** A set's three networks opened, detected (refused unless complete and well-shaped) and configured, not yet loaded. */
export interface OpenedSet {
  transformer: { file: ModelFile; config: TransformerConfig };
  textEncoder: { file: ModelFile; config: TextEncoderConfig };
  vae: { file: ModelFile; config: VaeConfig };
}

/** Opens a set's files the way loadSet does: configs from *_config.json when the set has them, else from shapes. */
export async function openNetworks(set: SetFiles): Promise<OpenedSet> {
  const ditFile = await openFile(set, set.files.transformer);
  const ditJson = await configJson(set, 'transformer');
  const ditCfg = ditJson ? parseTransformerConfig(ditJson) : ditConfigFromShapes(inferred<DitConfig>(ditFile, 'dit', set.files.transformer));
  const teFile = await openFile(set, set.files.textEncoder);
  const teJson = await configJson(set, 'text_encoder');
  const teCfg = teJson ? parseTextEncoderConfig(teJson) : qwenConfigFromShapes(inferred<Qwen3Config>(teFile, 'qwen3', set.files.textEncoder));
  const vaeFile = await openFile(set, set.files.vae);
  const vaeJson = await configJson(set, 'vae');
  const vaeCfg = vaeJson ? parseVaeConfig(vaeJson) : vaeConfigFromShapes(inferred<DetectedVae>(vaeFile, 'vae', set.files.vae));
  if (teCfg.hiddenSize !== ditCfg.capFeatDim)
    throw new StudioError('bad-model-file', `The text encoder's width (${teCfg.hiddenSize}) does not match the transformer's caption features (${ditCfg.capFeatDim}): these files are from different models.`);
  return { transformer: { file: ditFile, config: ditCfg }, textEncoder: { file: teFile, config: teCfg }, vae: { file: vaeFile, config: vaeCfg } };
}

export async function loadSet(gpu: Gpu, set: SetFiles, onPhase: LoadPhase): Promise<LoadedSet> {
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
          const file = await openShardFiles(await Promise.all(controlNames.map(async (n) => new BlobSource(await set.blob(n), n))));
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
      shift: set.guidance ? BASE_SHIFT : TURBO_SHIFT,
      textEncoder: async () => (te ??= await loadTextEncoder(gpu, teFile, teCfg, DEFAULT_POLICY)),
      releaseTextEncoder: () => {
        releaseLm();
        te?.release();
        te = null;
      },
    };
    return {
      networks,
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
