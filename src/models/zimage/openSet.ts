// A Z-Image set's files, as whoever stores them hands them over (the worker resolves a stored or embedded set into
// SetFiles), opened and configured: each network's file(s) opened and detected (refused unless complete and
// well-shaped), its config from the set's *_config.json when there is one, otherwise inferred from tensor shapes.
import type { SetCapabilities } from '../../lib/capabilities.ts';
import { StudioError } from '../../lib/errors.ts';
import { describeRefusal, type DimsOf, dimsFor } from '../../weights/detect.ts';
import { type ModelFile, openShardFiles } from '../../weights/modelFile.ts';
import type { Network } from '../../weights/names.ts';
import { BlobSource } from '../../weights/source.ts';
import {
  parseTextEncoderConfig,
  parseTransformerConfig,
  parseVaeConfig,
  type TextEncoderConfig,
  textEncoderConfigFromDims,
  type TransformerConfig,
  transformerConfigFromDims,
  type VaeConfig,
  vaeConfigFromDims,
} from './config.ts';

/** One model set's files by role, and a way to read each: all the model layer needs of the library. */
export interface SetFiles {
  id: string;
  label: string;
  selfTest: boolean;
  /** The catalog record's capabilities; loadZImage keeps them except where the files prove otherwise. */
  capabilities: SetCapabilities;
  /** File names by role; a network may be split into several safetensors shards. */
  files: {
    transformer: string[];
    textEncoder: string[];
    vae: string[];
    tokenizer: string;
    /** Config JSON file names by network: 'transformer', 'text_encoder', 'vae', 'controlnet'. */
    configs: Record<string, string>;
    /** The optional TAEF1 preview decoder (one diffusers file, or taesd.py's decoder file); absent or empty: no previews. */
    previews?: string[];
    /** The optional ControlNet file(s) (loaded on first use). */
    controlnet?: string[];
  };
  blob(name: string): Promise<Blob>;
}

/** A set's three networks opened, detected (refused unless complete and well-shaped) and configured, not yet loaded. */
export interface OpenedSet {
  transformer: { file: ModelFile; config: TransformerConfig };
  textEncoder: { file: ModelFile; config: TextEncoderConfig };
  vae: { file: ModelFile; config: VaeConfig };
}

/** One network's file, or its safetensors shards joined by their own headers; no detection. */
export async function openShards(set: SetFiles, names: string[]): Promise<ModelFile> {
  return openShardFiles(await Promise.all(names.map(async (n) => new BlobSource(await set.blob(n), n))));
}

/** Opens and detects one network's file(s); a file that is not complete and well-shaped is refused with the reasons. */
async function openDetected(set: SetFiles, names: string[]): Promise<ModelFile> {
  const name = names.length === 1 ? names[0] : `${names[0]} (+${names.length - 1} shards)`;
  const f = await openShards(set, names);
  const report = f.detect();
  if (!report.ok) {
    const problems = describeRefusal(report, (n) => f.tensors.get(n)?.fileName ?? n, 3);
    const what = report.network === 'unknown' ? 'model' : report.network;
    throw new StudioError('bad-model-file', `${name} is not a usable ${what} file: ${problems.join('; ') || 'unrecognised tensors'}.`);
  }
  return f;
}

/** The dims detection measured in a file of `network` (named `names` in messages); refused for another network. */
export function measured<N extends Network>(f: ModelFile, network: N, names: string[]): DimsOf<N> {
  const d = dimsFor(f.detect(), network);
  if (!d) throw new StudioError('bad-model-file', `${names[0]} does not hold the expected ${network} network.`);
  return d;
}

/** The set's config JSON for `key` (see SetFiles.files.configs), or null when the set has none. */
export async function configJson(set: SetFiles, key: string): Promise<Record<string, unknown> | null> {
  const name = set.files.configs[key];
  if (!name) return null;
  try {
    return JSON.parse(await (await set.blob(name)).text());
  } catch {
    throw new StudioError('bad-model-file', `${name} is not valid JSON.`);
  }
}

/** Opens a set's files the way loadZImage does: configs from *_config.json when the set has them, else from shapes. */
export async function openNetworks(set: SetFiles): Promise<OpenedSet> {
  const ditFile = await openDetected(set, set.files.transformer);
  const ditJson = await configJson(set, 'transformer');
  const ditCfg = ditJson ? parseTransformerConfig(ditJson) : transformerConfigFromDims(measured(ditFile, 'dit', set.files.transformer));
  const teFile = await openDetected(set, set.files.textEncoder);
  const teJson = await configJson(set, 'text_encoder');
  const teCfg = teJson ? parseTextEncoderConfig(teJson) : textEncoderConfigFromDims(measured(teFile, 'qwen3', set.files.textEncoder));
  const vaeFile = await openDetected(set, set.files.vae);
  const vaeJson = await configJson(set, 'vae');
  const vaeCfg = vaeJson ? parseVaeConfig(vaeJson) : vaeConfigFromDims(measured(vaeFile, 'vae', set.files.vae));
  if (teCfg.hiddenSize !== ditCfg.capFeatDim)
    throw new StudioError('bad-model-file', `The text encoder's width (${teCfg.hiddenSize}) does not match the transformer's caption features (${ditCfg.capFeatDim}): these files are from different models.`);
  return { transformer: { file: ditFile, config: ditCfg }, textEncoder: { file: teFile, config: teCfg }, vae: { file: vaeFile, config: vaeCfg } };
}
