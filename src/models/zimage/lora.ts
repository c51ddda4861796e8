// Z-Image LoRAs: a LoRA file's pairs resolved against the transformer's modules (attention to_q / to_k / to_v /
// to_out.0, feed_forward w1 / w2 / w3, adaLN_modulation.0; main layers, noise and context refiners), checked against
// the loaded weights' shapes, and stacked for the GPU. Nothing here touches a base weight: a module's delta is kept
// as two small f32 matrices applied beside its matmul (loraApply.ts), so INT4 / GGUF weights stay as stored.
//
// Stacking: for one module, LoRAs i = 1..n with ranks r_i, strengths s_i and alpha_i become
//   A_cat (Σr, K) = [down_1; ...; down_n]          B_cat (N, Σr) = [s_1·α_1/r_1·up_1 | ... | s_n·α_n/r_n·up_n]
// so x·A_catᵀ·B_catᵀ = Σ s_i·α_i/r_i · x·down_iᵀ·up_iᵀ: one matmul pair serves any number of LoRAs, with any
// strengths (negative included), and a strength change rebuilds only the small stacked tensors.
import type { Gpu } from '../../engine/gpu.ts';
import type { Tensor } from '../../engine/tensor.ts';
import { StudioError } from '../../lib/errors.ts';
import { loraBaseScale, loraFloats, readLoraFile, type LoraPair } from '../../weights/lora.ts';
import type { ByteSource } from '../../weights/source.ts';
import type { TransformerConfig } from './config.ts';
import type { BlockWeights, TransformerWeights } from './transformer.ts';

export type LoraTarget = 'toQ' | 'toK' | 'toV' | 'toOut' | 'w1' | 'w2' | 'w3' | 'adaLN';
export type BlockGroup = 'layers' | 'noiseRefiner' | 'contextRefiner';

/** A module's low-rank delta on the GPU: y += x · aᵀ · bᵀ (the strengths and alpha / rank folded into b). */
export interface LoraDelta {
  a: Tensor; // (R, K) f32
  b: Tensor; // (N, R) f32
}
export type BlockLora = Partial<Record<LoraTarget, LoraDelta>>;

/** One module's delta on the CPU: W += scale · up · down. */
export interface LoraModule {
  group: BlockGroup;
  index: number;
  target: LoraTarget;
  rank: number;
  down: Float32Array; // (rank, K)
  up: Float32Array; // (N, rank)
  K: number;
  N: number;
  scale: number; // alpha / rank
}

/** A LoRA file read for Z-Image: its module deltas, and the keys that matched no module (reported by name). */
export interface ZImageLora {
  modules: LoraModule[];
  unmatched: string[];
}

const GROUP_PATHS: [BlockGroup, string][] = [
  ['layers', 'layers'],
  ['noiseRefiner', 'noise_refiner'],
  ['contextRefiner', 'context_refiner'],
];
const MODULE_TARGETS: [path: string, targets: LoraTarget[]][] = [
  ['attention.to_q', ['toQ']],
  ['attention.to_k', ['toK']],
  ['attention.to_v', ['toV']],
  ['attention.to_out.0', ['toOut']],
  ['attention.out', ['toOut']], // ComfyUI / original naming
  ['attention.qkv', ['toQ', 'toK', 'toV']], // fused: up's rows are q, then k, then v
  ['feed_forward.w1', ['w1']],
  ['feed_forward.w2', ['w2']],
  ['feed_forward.w3', ['w3']],
  ['adaLN_modulation.0', ['adaLN']],
];

/** Every module a LoRA may target, by its path with `.` replaced by `_` (so dotted and kohya spellings meet). */
export function loraModuleMap(cfg: Pick<TransformerConfig, 'nLayers' | 'nRefinerLayers'>): Map<string, { group: BlockGroup; index: number; targets: LoraTarget[] }> {
  const map = new Map<string, { group: BlockGroup; index: number; targets: LoraTarget[] }>();
  for (const [group, path] of GROUP_PATHS) {
    const n = group === 'layers' ? cfg.nLayers : cfg.nRefinerLayers;
    for (let index = 0; index < n; index++)
      for (const [m, targets] of MODULE_TARGETS) {
        if (group === 'contextRefiner' && targets[0] === 'adaLN') continue; // the context refiner has no modulation
        map.set(`${path}.${index}.${m}`.replace(/\./g, '_'), { group, index, targets });
      }
  }
  return map;
}

/** Reads a LoRA file and resolves its modules; refuses, in one sentence, a file none of whose modules is Z-Image's. */
export async function readZImageLora(src: ByteSource, cfg: Pick<TransformerConfig, 'nLayers' | 'nRefinerLayers'>): Promise<ZImageLora> {
  const file = await readLoraFile(src);
  const map = loraModuleMap(cfg);
  const modules: LoraModule[] = [];
  const unmatched = [...file.unmatched];
  for (const p of file.pairs) {
    const ref = map.get(p.module.replace(/\./g, '_'));
    if (!ref) {
      unmatched.push(...pairKeys(p));
      continue;
    }
    const [rank, K] = p.down.shape;
    const [N] = p.up.shape;
    const down = await loraFloats(p.down); // (rank, K)
    const up = await loraFloats(p.up); // (N, rank)
    const scale = await loraBaseScale(p);
    const parts = ref.targets.length;
    if (N % parts !== 0) throw new StudioError('bad-model-file', `LoRA module ${p.module} has ${N} output rows, which do not split into q, k and v.`);
    const n = N / parts;
    ref.targets.forEach((target, j) => {
      modules.push({ group: ref.group, index: ref.index, target, rank, K, N: n, down, up: up.subarray(j * n * rank, (j + 1) * n * rank), scale });
    });
  }
  if (modules.length === 0)
    throw new StudioError(
      'bad-model-file',
      `${src.name ?? 'This file'} is not a Z-Image LoRA: none of its ${file.pairs.length} modules (such as ${file.pairs[0].module}) is a layer of the Z-Image transformer.`,
    );
  return { modules, unmatched };
}

function pairKeys(p: LoraPair): string[] {
  return [p.down.name, p.up.name, ...(p.alpha ? [p.alpha.name] : [])];
}

/** The base weight a module's delta adds to (its shape (N, K) decides whether the LoRA fits). */
function baseWeight(w: TransformerWeights, m: Pick<LoraModule, 'group' | 'index' | 'target'>): Tensor | null {
  const blk = w[m.group][m.index] as BlockWeights | undefined;
  if (!blk) return null;
  return m.target === 'adaLN' ? (blk.adaLN?.w ?? null) : blk[m.target];
}

/** Throws a typed error naming the first module whose shape differs from the loaded model's weight. */
export function checkLoraFits(name: string, lora: ZImageLora, w: TransformerWeights): void {
  for (const m of lora.modules) {
    const base = baseWeight(w, m);
    const where = `${m.group}.${m.index}.${m.target}`;
    if (!base) throw new StudioError('bad-request', `LoRA "${name}" does not fit the loaded model: it changes ${where}, which this model does not have.`);
    const [N, K] = base.shape;
    if (N !== m.N || K !== m.K)
      throw new StudioError('bad-request', `LoRA "${name}" does not fit the loaded model: its ${where} delta is ${m.N}x${m.K} but the model's weight is ${N}x${K} (a LoRA for another base model).`);
  }
}

/** The stacked GPU deltas of several LoRAs at their strengths, by block. Release when the stack changes. */
export class LoraStack {
  constructor(
    readonly blocks: Map<BlockWeights, BlockLora>,
    private readonly owned: Tensor[],
  ) {}
  release(): void {
    for (const t of this.owned) t.release();
    this.blocks.clear();
  }
}

/** Stacks LoRAs (each checked against `w` first) into one delta per module: A_cat and strength-scaled B_cat. */
export function buildLoraStack(gpu: Gpu, w: TransformerWeights, loras: { name: string; lora: ZImageLora; strength: number }[]): LoraStack {
  for (const l of loras) checkLoraFits(l.name, l.lora, w);
  const byModule = new Map<string, { m: LoraModule; s: number }[]>();
  for (const l of loras)
    for (const m of l.lora.modules) {
      const key = `${m.group}.${m.index}.${m.target}`;
      const list = byModule.get(key) ?? [];
      list.push({ m, s: l.strength * m.scale });
      byModule.set(key, list);
    }
  const blocks = new Map<BlockWeights, BlockLora>();
  const owned: Tensor[] = [];
  for (const list of byModule.values()) {
    const { group, index, target, K, N } = list[0].m;
    const R = list.reduce((s, e) => s + e.m.rank, 0);
    const a = new Float32Array(R * K); // (R, K)
    const b = new Float32Array(N * R); // (N, R)
    let r0 = 0; // first stacked rank of this LoRA
    for (const { m, s } of list) {
      a.set(m.down, r0 * K);
      for (let n = 0; n < N; n++) for (let j = 0; j < m.rank; j++) b[n * R + r0 + j] = s * m.up[n * m.rank + j];
      r0 += m.rank;
    }
    const blk = w[group][index];
    const delta: LoraDelta = { a: gpu.upload(a, [R, K], 'f32', `lora.${group}.${index}.${target}.a`), b: gpu.upload(b, [N, R], 'f32', `lora.${group}.${index}.${target}.b`) };
    owned.push(delta.a, delta.b);
    const bl = blocks.get(blk) ?? {};
    bl[target] = delta;
    blocks.set(blk, bl);
  }
  return new LoraStack(blocks, owned);
}
