// npm run plan -- [--files FILE...] [--size N] [--json]
//
// With --files: the plan of those actual files (a DiT, a Qwen3 text encoder and a VAE; safetensors shards of one
// network are joined), by their real per-tensor types: per network its naming, config, and GPU bytes by stored
// format; for the set, fast and low-memory peaks and FLOPs per DiT step at 512², 768², 1024² (and --size).
// Without --files: the catalog's recommended set as published, from the header manifests in tools/published/.
// Exit 0 with the plan (also when over budget: the text says so), 1 on bad arguments, 2 with one line when the
// files are not a loadable set. A Z-Image ControlNet among the files is planned with the set (resident with the DiT).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatBytes } from '../src/lib/bytes.ts';
import { isStudioError } from '../src/lib/errors.ts';
import { type TextEncoderConfig, textEncoderConfigFromDims, type TransformerConfig, transformerConfigFromDims, type VaeConfig, vaeConfigFromDims } from '../src/models/zimage/config.ts';
import { type ControlConfig, controlConfigFromFile, controlPrefix } from '../src/models/zimage/controlConfig.ts';
import { BUDGET, type ControlAddition, type NetworkBytes, type SizePlan, type WeightBytes } from '../src/models/zimage/plan.ts';
import { controlAddition, weighControlNet } from '../src/models/zimage/planControl.ts';
import { planSetSize, type SetFilesToPlan, weighSet } from '../src/models/zimage/planFiles.ts';
import { measured } from '../src/models/zimage/openSet.ts';
import { describeRefusal } from '../src/weights/detect.ts';
import { type ModelFile, openShardFiles } from '../src/weights/modelFile.ts';
import type { Network } from '../src/weights/names.ts';
import { manifestModelFile, readManifest } from './manifest.ts';
import { NodeFileSource } from './nodeSource.ts';

const USAGE = 'usage: npm run plan -- [--files FILE...] [--size N] [--json]';
const PUBLISHED = join(dirname(fileURLToPath(import.meta.url)), 'published');
/** The recommended set (catalog `zimage-turbo-q4`) as published. */
export const RECOMMENDED_MANIFESTS = ['z_image_turbo-Q4_0.gguf.json', 'Qwen3-4B-Q4_K_M.gguf.json', 'ae.safetensors.json'];

export interface NetworkReport {
  files: string[];
  naming: string;
  config: TransformerConfig | TextEncoderConfig | VaeConfig | ControlConfig;
  weights: NetworkBytes;
}

export interface PlanReport {
  set: string;
  /** controlNet: present when a ControlNet is among the files (resident with the DiT, its activations in the peaks). */
  networks: { transformer: NetworkReport; textEncoder: NetworkReport; vae: NetworkReport; controlNet?: NetworkReport };
  weightsTotal: number; // bytes on the GPU
  sizes: SizePlan[];
  budget: typeof BUDGET;
  withinBudget: boolean;
  problems: string[];
}

class NotASet extends Error {}

/** Paths grouped so that the shards of one sharded safetensors file (`name-0000i-of-0000n`) open as one model. */
export function shardGroups(paths: readonly string[]): string[][] {
  const groups = new Map<string, string[]>();
  for (const p of paths) {
    const m = p.match(/^(.*)-\d{5}-of-(\d{5})\.safetensors$/);
    const key = m ? `${m[1]}|${m[2]}` : p;
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  return [...groups.values()].map((g) => g.sort());
}

interface Named {
  file: ModelFile;
  names: string[];
}

/** Groups opened files by the network they hold; safetensors shards of one network become one ModelFile. */
type Opened = { name: string; file: ModelFile; source?: NodeFileSource };
type NamedSet = Record<Network, Named> & { controlNet?: Named };

async function bySet(all: Opened[]): Promise<NamedSet> {
  const groups = new Map<Network, Opened[]>();
  const controls = all.filter((f) => f.file.network === 'unknown' && controlPrefix(f.file.tensors.keys()) !== null);
  if (controls.length > 1) throw new NotASet(`${controls.map((c) => c.name).join(' and ')} are both ControlNets; plan one at a time`);
  const files = all.filter((f) => !controls.includes(f));
  for (const f of files) {
    if (f.file.network === 'unknown') throw new NotASet(`${f.name} is not a Z-Image DiT, Qwen3 text encoder, FLUX VAE or Z-Image ControlNet file`);
    groups.set(f.file.network, [...(groups.get(f.file.network) ?? []), f]);
  }
  const out: Partial<Record<Network, Named>> = {};
  for (const [network, group] of groups) {
    let file = group[0].file;
    if (group.length > 1) {
      if (group.some((g) => !g.source || g.file.format !== 'safetensors')) throw new NotASet(`${group.map((g) => g.name).join(' and ')} both hold a ${network}; only safetensors shards of one network can be joined`);
      file = await openShardFiles(group.map((g) => g.source!));
    }
    out[network] = { file, names: group.map((g) => g.name) };
  }
  const what: Record<Network, string> = { dit: 'transformer (DiT)', qwen3: 'Qwen3 text encoder', vae: 'VAE' };
  for (const n of ['dit', 'qwen3', 'vae'] as Network[]) if (!out[n]) throw new NotASet(`no ${what[n]} among the files`);
  for (const n of ['dit', 'qwen3', 'vae'] as Network[]) {
    const { file, names } = out[n]!;
    const r = file.detect();
    if (!r.ok) throw new NotASet(`${names.join(' + ')} is not a usable ${n} file: ${describeRefusal(r, (c) => file.tensors.get(c)?.fileName ?? c, 3).join('; ')}`);
  }
  const set = out as NamedSet;
  if (controls.length) set.controlNet = { file: controls[0].file, names: [controls[0].name] };
  return set;
}

function toPlanInput(s: Record<Network, Named>): SetFilesToPlan {
  const dit = transformerConfigFromDims(measured(s.dit.file, 'dit', s.dit.names));
  const te = textEncoderConfigFromDims(measured(s.qwen3.file, 'qwen3', s.qwen3.names));
  const vae = vaeConfigFromDims(measured(s.vae.file, 'vae', s.vae.names));
  if (te.hiddenSize !== dit.capFeatDim) throw new NotASet(`the text encoder's width (${te.hiddenSize}) does not match the transformer's caption features (${dit.capFeatDim})`);
  // The worker loads the VAE encoder too (image-to-image and edits), when the file has one.
  const encoder = [...s.vae.file.tensors.keys()].some((k) => k.startsWith('encoder.'));
  return { transformer: { file: s.dit.file, config: dit }, textEncoder: { file: s.qwen3.file, config: te }, vae: { file: s.vae.file, config: vae, encoder } };
}

export function planOf(setName: string, s: NamedSet, sizes: number[]): PlanReport {
  const input = toPlanInput(s);
  const w: WeightBytes = weighSet(input);
  let control: { report: NetworkReport; addition: ControlAddition } | undefined;
  if (s.controlNet) {
    const cfg = controlConfigFromFile(s.controlNet.file, input.transformer.config.nLayers);
    const weights = weighControlNet(s.controlNet.file, cfg);
    control = { report: { files: s.controlNet.names, naming: 'VideoX-Fun', config: cfg, weights }, addition: controlAddition(weights, cfg, input.transformer.config) };
  }
  const plans = sizes.map((size) => planSetSize(input, size, w, control?.addition));
  const at1024 = plans.find((p) => p.size === 1024)!;
  const problems: string[] = [];
  if (at1024.peakBytes.fast > BUDGET.fast) problems.push(`fast mode at 1024² needs ${gb(at1024.peakBytes.fast)} > ${gb(BUDGET.fast)}`);
  if (at1024.peakBytes.lowMemory > BUDGET.lowMemory) problems.push(`low-memory mode at 1024² needs ${gb(at1024.peakBytes.lowMemory)} > ${gb(BUDGET.lowMemory)}`);
  const net = (n: Named, config: NetworkReport['config'], weights: NetworkBytes): NetworkReport => ({ files: n.names, naming: n.file.naming, config, weights });
  return {
    set: setName,
    networks: {
      transformer: net(s.dit, input.transformer.config, w.transformer),
      textEncoder: net(s.qwen3, input.textEncoder.config, w.textEncoder),
      vae: net(s.vae, input.vae.config, w.vae),
      ...(control ? { controlNet: control.report } : {}),
    },
    weightsTotal: w.transformer.total + w.textEncoder.total + w.vae.total + (control?.report.weights.total ?? 0),
    sizes: plans,
    budget: BUDGET,
    withinBudget: problems.length === 0,
    problems,
  };
}

function gb(b: number): string {
  return `${(b / 1e9).toFixed(2)} GB`;
}

function toText(r: PlanReport): string {
  const lines = [`Memory plan: ${r.set}`];
  for (const [name, n] of Object.entries(r.networks)) {
    const formats = Object.entries(n.weights.byFormat).sort((a, b) => b[1] - a[1]).map(([f, b]) => `${f} ${formatBytes(b)}`).join(', ');
    lines.push(`  ${name.padEnd(12)} ${formatBytes(n.weights.total).padStart(9)} on the GPU (${formats})${n.weights.cpu ? `, ${formatBytes(n.weights.cpu)} kept on the CPU side` : ''}`);
    lines.push(`  ${''.padEnd(12)} ${n.files.join(' + ')}, ${n.naming} names; ${configLine(n.config)}`);
  }
  lines.push(`  weights total ${formatBytes(r.weightsTotal)}`, '  size   tokens   fast peak   low-mem peak   TFLOP/step');
  for (const p of r.sizes)
    lines.push(`  ${String(p.size).padEnd(6)} ${String(p.tokens).padEnd(8)} ${gb(p.peakBytes.fast).padStart(9)}   ${gb(p.peakBytes.lowMemory).padStart(12)}   ${(p.flopsPerStep / 1e12).toFixed(1).padStart(10)}`);
  lines.push(r.problems.length ? `Over budget: ${r.problems.join('; ')}` : `Within budget at 1024²: fast <= ${gb(r.budget.fast)}, low-memory <= ${gb(r.budget.lowMemory)}`);
  return lines.join('\n');
}

function configLine(c: NetworkReport['config']): string {
  if ('layerPlaces' in c) return `${c.layerPlaces.length} control layers, ${c.refinerPlaces.length} refiner hints, ${c.inDim} control channels`;
  if ('capFeatDim' in c) return `dim ${c.dim}, ${c.nHeads} heads, ${c.nLayers} layers + ${c.nRefinerLayers}+${c.nRefinerLayers} refiners, caption ${c.capFeatDim}`;
  if ('vocabSize' in c) return `hidden ${c.hiddenSize}, ${c.nLayers} layers, ${c.nHeads}/${c.nKvHeads} heads of ${c.headDim}, FFN ${c.intermediateSize}, vocab ${c.vocabSize}`;
  return `channels [${c.blockOutChannels.join(', ')}], ${c.latentChannels} latent channels`;
}

export async function plan(args: readonly string[]): Promise<{ code: number; out: string }> {
  const json = args.includes('--json');
  const sizeAt = args.indexOf('--size');
  const asked = sizeAt >= 0 ? Number(args[sizeAt + 1]) : null;
  if (asked !== null && (!Number.isInteger(asked) || asked % 16 !== 0 || asked < 256 || asked > 4096))
    return { code: 1, out: `plan: --size must be a multiple of 16 from 256 to 4096, got ${args[sizeAt + 1]}` };
  const filesAt = args.indexOf('--files');
  const paths = filesAt >= 0 ? args.slice(filesAt + 1).filter((a, i, all) => !a.startsWith('--') && all.slice(0, i).every((b) => !b.startsWith('--'))) : [];
  if (filesAt >= 0 && paths.length === 0) return { code: 1, out: USAGE };
  const sizes = [...new Set([512, 768, 1024, ...(asked ? [asked] : [])])].sort((a, b) => a - b);
  const sources: NodeFileSource[] = [];
  try {
    let report: PlanReport;
    if (paths.length) {
      const opened = [];
      for (const shards of shardGroups(paths)) {
        const group: NodeFileSource[] = [];
        for (const p of shards) group.push(await NodeFileSource.open(p));
        sources.push(...group);
        const name = group.length > 1 ? `${group[0].name} (+${group.length - 1} shards)` : group[0].name;
        opened.push({ name, file: await openShardFiles(group), source: group.length === 1 ? group[0] : undefined });
      }
      report = planOf(opened.map((o) => o.name).join(', '), await bySet(opened), sizes);
    } else {
      const opened = await Promise.all(RECOMMENDED_MANIFESTS.map(async (m) => {
        const man = await readManifest(join(PUBLISHED, m));
        return { name: man.file, file: manifestModelFile([man]) };
      }));
      report = planOf('the recommended set as published (Z-Image-Turbo Q4_0 GGUF, Qwen3-4B Q4_K_M, FLUX ae.safetensors)', await bySet(opened), sizes);
    }
    return { code: 0, out: json ? JSON.stringify(report, null, 2) : toText(report) };
  } catch (err) {
    const msg = err instanceof NotASet || isStudioError(err) ? err.message : (err as NodeJS.ErrnoException).code ? `cannot read a file (${(err as NodeJS.ErrnoException).code})` : String(err);
    return { code: 2, out: `plan: not a loadable set: ${msg.replace(/\s+/g, ' ')}` };
  } finally {
    for (const s of sources) await s.close();
  }
}
