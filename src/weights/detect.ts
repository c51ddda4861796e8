// What a set of canonical tensors is: the network's dims measured from shapes, the full tensor list those dims
// imply (expectedTensors.ts), and the differences: missing, unexpected and mis-shaped tensors by name.
// Shapes are PyTorch order (Linear weight = [out, in]).
//
// Dims are what recognising a file needs (widths, counts, which parts are present), not a network's config: the
// one config per network (with what shapes cannot tell: eps, RoPE axes and theta, timestep scale) is
// models/zimage/config.ts's, built from a config JSON or from these dims.
import { expectedDit, expectedQwen3, expectedVae } from './expectedTensors.ts';
import type { Naming, Network } from './names.ts';

/** A DiT's dims as its tensors measure them. */
export interface DitDims {
  dim: number;
  nHeads: number;
  headDim: number;
  nKvHeads: number;
  nLayers: number;
  nNoiseRefiner: number;
  nContextRefiner: number;
  ffnDim: number;
  capFeatDim: number;
  /** Patch features in (in_channels * p * p = 64) and out. */
  patchIn: number;
  patchOut: number;
  /** Width of the timestep embedding and adaLN inputs: min(dim, 256). */
  adalnDim: number;
  tHidden: number; // t_embedder MLP hidden width (1024)
  tFreqDim: number; // sinusoid width (256)
  /** Omni / edit mode: SigLIP feature width and refiner count, null / 0 when absent. */
  siglipFeatDim: number | null;
  nSiglipRefiner: number;
}

/** An AutoencoderKL's dims as its tensors measure them. */
export interface VaeDims {
  blockOutChannels: number[];
  layersPerBlock: number;
  latentChannels: number;
  inChannels: number;
  outChannels: number;
  hasEncoder: boolean;
  hasDecoder: boolean;
}

/** A Qwen3 decoder's dims as its tensors measure them. */
export interface Qwen3Dims {
  hiddenSize: number;
  numLayers: number;
  numHeads: number;
  numKvHeads: number;
  headDim: number;
  intermediateSize: number;
  vocabSize: number;
}

export type NetworkDims = { network: 'dit'; dims: DitDims } | { network: 'vae'; dims: VaeDims } | { network: 'qwen3'; dims: Qwen3Dims };
export type DimsOf<N extends Network> = { dit: DitDims; vae: VaeDims; qwen3: Qwen3Dims }[N];

export interface Misshaped {
  name: string;
  expected: number[];
  actual: number[];
}

export interface DetectReport {
  network: Network | 'unknown';
  naming: Naming | 'unknown';
  /** Null when the tensors that define the dims are themselves missing or inconsistent (see `problems`). */
  dims: NetworkDims | null;
  missing: string[];
  unexpected: string[];
  misshaped: Misshaped[];
  /** File tensors deliberately not used (Comfy norm_final, the Qwen3 LM head). */
  ignored: string[];
  problems: string[];
  /** True when the file holds exactly the tensors its measured dims imply, with the right shapes. */
  ok: boolean;
}

type Shapes = ReadonlyMap<string, readonly number[]>;

/** Highest index + 1 of `<prefix>.N.` names (0 when none). */
function countIndexed(shapes: Shapes, prefix: string): number {
  let n = 0;
  const re = new RegExp(`^${prefix.replace(/\./g, '\\.')}\\.(\\d+)\\.`);
  for (const k of shapes.keys()) {
    const m = k.match(re);
    if (m) n = Math.max(n, Number(m[1]) + 1);
  }
  return n;
}

class Need {
  readonly problems: string[] = [];
  constructor(private readonly shapes: Shapes) {}
  /** Dimension `dim` of tensor `name`, or NaN (and a problem) when absent. */
  dim(name: string, dim: number): number {
    const s = this.shapes.get(name);
    if (!s || s.length <= dim) {
      this.problems.push(`cannot infer the config: ${name} is ${s ? `[${s.join(', ')}]` : 'missing'}`);
      return NaN;
    }
    return s[dim];
  }
  has(name: string): boolean {
    return this.shapes.has(name);
  }
}

function valid(cfg: object): boolean {
  return Object.values(cfg).every((v) => typeof v !== 'number' || Number.isFinite(v));
}

export function inferDit(shapes: Shapes): { dims: DitDims | null; problems: string[] } {
  const n = new Need(shapes);
  const dim = n.dim('all_x_embedder.2-1.weight', 0);
  const headDim = n.dim('layers.0.attention.norm_q.weight', 0);
  const siglip = n.has('siglip_embedder.1.weight') ? n.dim('siglip_embedder.1.weight', 1) : null;
  const cfg: DitDims = {
    dim,
    headDim,
    nHeads: n.dim('layers.0.attention.to_q.weight', 0) / headDim,
    nKvHeads: n.dim('layers.0.attention.to_k.weight', 0) / headDim,
    nLayers: countIndexed(shapes, 'layers'),
    nNoiseRefiner: countIndexed(shapes, 'noise_refiner'),
    nContextRefiner: countIndexed(shapes, 'context_refiner'),
    ffnDim: n.dim('layers.0.feed_forward.w1.weight', 0),
    capFeatDim: n.dim('cap_embedder.1.weight', 1),
    patchIn: n.dim('all_x_embedder.2-1.weight', 1),
    patchOut: n.dim('all_final_layer.2-1.linear.weight', 0),
    adalnDim: n.dim('t_embedder.mlp.2.weight', 0),
    tHidden: n.dim('t_embedder.mlp.0.weight', 0),
    tFreqDim: n.dim('t_embedder.mlp.0.weight', 1),
    siglipFeatDim: siglip,
    nSiglipRefiner: countIndexed(shapes, 'siglip_refiner'),
  };
  if (n.problems.length === 0 && (!Number.isInteger(cfg.nHeads) || !Number.isInteger(cfg.nKvHeads)))
    n.problems.push(`to_q / to_k rows are not a multiple of head_dim ${headDim}`);
  return valid(cfg) && n.problems.length === 0 ? { dims: cfg, problems: [] } : { dims: null, problems: n.problems };
}

export function inferVae(shapes: Shapes): { dims: VaeDims | null; problems: string[] } {
  const n = new Need(shapes);
  const hasEncoder = [...shapes.keys()].some((k) => k.startsWith('encoder.'));
  const hasDecoder = [...shapes.keys()].some((k) => k.startsWith('decoder.'));
  const levels = hasEncoder ? countIndexed(shapes, 'encoder.down_blocks') : countIndexed(shapes, 'decoder.up_blocks');
  const blockOutChannels: number[] = [];
  for (let i = 0; i < levels; i++)
    blockOutChannels.push(hasEncoder ? n.dim(`encoder.down_blocks.${i}.resnets.0.conv1.weight`, 0) : n.dim(`decoder.up_blocks.${levels - 1 - i}.resnets.0.conv1.weight`, 0));
  const cfg: VaeDims = {
    blockOutChannels,
    layersPerBlock: hasEncoder ? countIndexed(shapes, 'encoder.down_blocks.0.resnets') : countIndexed(shapes, 'decoder.up_blocks.0.resnets') - 1,
    latentChannels: hasDecoder ? n.dim('decoder.conv_in.weight', 1) : n.dim('encoder.conv_out.weight', 0) / 2,
    inChannels: hasEncoder ? n.dim('encoder.conv_in.weight', 1) : 3,
    outChannels: hasDecoder ? n.dim('decoder.conv_out.weight', 0) : 3,
    hasEncoder,
    hasDecoder,
  };
  if (levels === 0) n.problems.push('cannot infer the config: no encoder.down_blocks or decoder.up_blocks');
  return valid(cfg) && blockOutChannels.every(Number.isFinite) && n.problems.length === 0 ? { dims: cfg, problems: [] } : { dims: null, problems: n.problems };
}

export function inferQwen3(shapes: Shapes): { dims: Qwen3Dims | null; problems: string[] } {
  const n = new Need(shapes);
  const headDim = n.dim('model.layers.0.self_attn.q_norm.weight', 0);
  const cfg: Qwen3Dims = {
    hiddenSize: n.dim('model.embed_tokens.weight', 1),
    vocabSize: n.dim('model.embed_tokens.weight', 0),
    numLayers: countIndexed(shapes, 'model.layers'),
    headDim,
    numHeads: n.dim('model.layers.0.self_attn.q_proj.weight', 0) / headDim,
    numKvHeads: n.dim('model.layers.0.self_attn.k_proj.weight', 0) / headDim,
    intermediateSize: n.dim('model.layers.0.mlp.gate_proj.weight', 0),
  };
  if (n.problems.length === 0 && (!Number.isInteger(cfg.numHeads) || !Number.isInteger(cfg.numKvHeads))) n.problems.push('q_proj / k_proj rows are not a multiple of head_dim');
  return valid(cfg) && n.problems.length === 0 ? { dims: cfg, problems: [] } : { dims: null, problems: n.problems };
}

/** `model.norm.weight` is the final norm Z-Image never applies (spec §4.2): allowed to be absent. */
export const QWEN3_OPTIONAL = new Set(['model.norm.weight']);

/**
 * ggml's GGUF writer stores `n_dims = ggml_n_dims(t)`: trailing ggml dimensions of size 1 (leading PyTorch ones) are
 * dropped, so a [1, 3840] pad token arrives as [3840]. Two shapes agree under that rule when they are equal once
 * their leading 1s are removed.
 */
export function sameGgmlShape(a: readonly number[], b: readonly number[]): boolean {
  const strip = (s: readonly number[]): readonly number[] => {
    let i = 0;
    while (i < s.length - 1 && s[i] === 1) i++;
    return s.slice(i);
  };
  const x = strip(a);
  const y = strip(b);
  return x.length === y.length && x.every((d, i) => d === y[i]);
}

/** The dims of `network` measured from canonical shapes, or null (and why) when they cannot be measured. */
export function measureDims(network: Network, shapes: Shapes): { dims: NetworkDims | null; problems: string[] } {
  const r = network === 'dit' ? inferDit(shapes) : network === 'vae' ? inferVae(shapes) : inferQwen3(shapes);
  return { dims: r.dims && ({ network, dims: r.dims } as NetworkDims), problems: r.problems };
}

/** Every tensor (canonical name -> PyTorch shape) a network of these dims holds. */
export function expectedTensors(d: NetworkDims): Map<string, number[]> {
  return d.network === 'dit' ? expectedDit(d.dims) : d.network === 'vae' ? expectedVae(d.dims) : expectedQwen3(d.dims);
}

/** The shapes the dims measured from `shapes` imply, or null when no dims can be measured. */
export function expectedShapes(network: Network, shapes: Shapes): Map<string, number[]> | null {
  const { dims } = measureDims(network, shapes);
  return dims && expectedTensors(dims);
}

/** The dims a report measured for `network`, or null when it measured none or the file holds another network. */
export function dimsFor<N extends Network>(r: Pick<DetectReport, 'dims'>, network: N): DimsOf<N> | null {
  const d = r.dims;
  return d && d.network === network ? (d.dims as DimsOf<N>) : null;
}

/** One line per refusal reason: each names the tensor (as stored in the file when that differs), expected and found. */
export function describeRefusal(r: DetectReport, storedName: (canonical: string) => string = (n) => n, max = 5): string[] {
  const named = (n: string): string => (storedName(n) === n ? n : `${n} (stored as ${storedName(n)})`);
  const lines = [...r.problems];
  const more = (list: unknown[], what: string): void => void (list.length > max && lines.push(`… and ${list.length - max} more ${what}`));
  for (const m of r.missing.slice(0, max)) lines.push(`missing tensor ${m}`);
  more(r.missing, 'missing tensors');
  for (const m of r.misshaped.slice(0, max)) lines.push(`tensor ${named(m.name)} is [${m.actual.join(', ')}], expected [${m.expected.join(', ')}]`);
  more(r.misshaped, 'mis-shaped tensors');
  for (const u of r.unexpected.slice(0, max)) lines.push(`unexpected tensor ${named(u)}`);
  more(r.unexpected, 'unexpected tensors');
  return lines;
}

/** Measures the dims of `network` from canonical shapes and compares the shapes against what they imply. */
export function compareToExpected(network: Network, shapes: Shapes): Pick<DetectReport, 'dims' | 'missing' | 'unexpected' | 'misshaped' | 'problems'> {
  const { dims, problems } = measureDims(network, shapes);
  if (!dims) return { dims: null, missing: [], unexpected: [], misshaped: [], problems };
  const expected = expectedTensors(dims);
  const missing: string[] = [];
  const misshaped: Misshaped[] = [];
  for (const [name, shape] of expected) {
    const actual = shapes.get(name);
    if (!actual) {
      if (!(network === 'qwen3' && QWEN3_OPTIONAL.has(name))) missing.push(name);
    } else if (actual.length !== shape.length || actual.some((d, i) => d !== shape[i])) misshaped.push({ name, expected: shape, actual: [...actual] });
  }
  const unexpected = [...shapes.keys()].filter((k) => !expected.has(k));
  return { dims, missing, unexpected, misshaped, problems: [] };
}
