// Seeded random parameters of one DiT block / one Qwen3 layer: each matrix drawn once in a WeightFormat (the
// tensor ours uploads and the MatMulNBits inputs ORT reads, same values), norms near 1, RoPE tables from the
// model's own builders for a realistic token layout. Pure (no GPU): the cases upload, the tests run ORT's CPU EP.
import { type TransformerConfig, TURBO_TRANSFORMER } from '../src/models/zimage/config.ts';
import { dit3AxisRope, qwenRope } from '../src/models/zimage/rope.ts';
import type { Rng } from '../src/lib/rng.ts';
import type { DitBlockParams, DitBlockShape, Qwen3LayerParams, Qwen3LayerShape } from './blockModels.ts';
import type { BenchWeight, WeightFormat } from './blockWeights.ts';

/** Norm weights: 1 + N(0, 0.1²), like trained RMSNorm gains. */
const gains = (rng: Rng, n: number) => rng.normalArray(n).map((v) => 1 + 0.1 * v);

export type DitMatrix = 'toQ' | 'toK' | 'toV' | 'toOut' | 'w1' | 'w3' | 'w2';
export type QwenMatrix = 'q' | 'k' | 'v' | 'o' | 'gate' | 'up' | 'down';

/** The transformer config of a block of this shape (heads of 128 split into Z-Image's 32/48/48 RoPE axes). */
export function ditConfig(s: DitBlockShape): TransformerConfig {
  if (s.headDim !== 128) throw new RangeError('ditConfig: Z-Image RoPE axes need head dim 128');
  return { ...TURBO_TRANSFORMER, dim: s.D, nHeads: s.heads, nKvHeads: s.heads, normEps: s.eps };
}

/**
 * Position ids (L, 3) of a unified sequence: `caption` tokens at (1 + i, 0, 0), then an image grid of the remaining
 * tokens at (caption + 1, h, w), `gridW` wide (zimage-spec §5.5; the last grid row may be partial).
 */
export function ditPositions(L: number, caption: number, gridW: number): Int32Array {
  const pos = new Int32Array(L * 3);
  for (let i = 0; i < L; i++) {
    if (i < caption) pos.set([1 + i, 0, 0], i * 3);
    else pos.set([caption + 1, Math.floor((i - caption) / gridW), (i - caption) % gridW], i * 3);
  }
  return pos;
}

export interface RandomDitBlock {
  params: DitBlockParams;
  /** Ours: the big matrices in the row's format, adaLN in the modulation format. */
  matrices: Record<DitMatrix, BenchWeight>;
  adaLN: BenchWeight;
}

export function randomDitBlock(rng: Rng, s: DitBlockShape, format: WeightFormat, adaFormat: WeightFormat, positions: Int32Array): RandomDitBlock {
  const { D, F, headDim: hd } = s;
  const shapes: Record<DitMatrix, [number, number]> = { toQ: [D, D], toK: [D, D], toV: [D, D], toOut: [D, D], w1: [F, D], w3: [F, D], w2: [D, F] };
  const matrices = {} as Record<DitMatrix, BenchWeight>;
  for (const [name, [N, K]] of Object.entries(shapes) as [DitMatrix, [number, number]][]) matrices[name] = format.random(rng, N, K, name);
  const adaLN = adaFormat.random(rng, 4 * D, s.adaDim, 'adaLN_modulation.0');
  const rope = dit3AxisRope(ditConfig(s), positions);
  const params: DitBlockParams = {
    toQ: matrices.toQ.nbits,
    toK: matrices.toK.nbits,
    toV: matrices.toV.nbits,
    toOut: matrices.toOut.nbits,
    w1: matrices.w1.nbits,
    w3: matrices.w3.nbits,
    w2: matrices.w2.nbits,
    adaLN: adaLN.nbits,
    adaLNBias: rng.normalArray(4 * D).map((v) => 0.1 * v),
    normQ: gains(rng, hd),
    normK: gains(rng, hd),
    attentionNorm1: gains(rng, D),
    attentionNorm2: gains(rng, D),
    ffnNorm1: gains(rng, D),
    ffnNorm2: gains(rng, D),
    cos: rope.cos,
    sin: rope.sin,
  };
  return { params, matrices, adaLN };
}

export interface RandomQwen3Layer {
  params: Qwen3LayerParams;
  matrices: Record<QwenMatrix, BenchWeight>;
}

export function randomQwen3Layer(rng: Rng, s: Qwen3LayerShape, format: WeightFormat, ropeTheta: number): RandomQwen3Layer {
  const { hidden, heads: H, kvHeads: Hkv, headDim: hd, F } = s;
  const shapes: Record<QwenMatrix, [number, number]> = {
    q: [H * hd, hidden],
    k: [Hkv * hd, hidden],
    v: [Hkv * hd, hidden],
    o: [hidden, H * hd],
    gate: [F, hidden],
    up: [F, hidden],
    down: [hidden, F],
  };
  const matrices = {} as Record<QwenMatrix, BenchWeight>;
  for (const [name, [N, K]] of Object.entries(shapes) as [QwenMatrix, [number, number]][]) matrices[name] = format.random(rng, N, K, name);
  const rope = qwenRope(hd, ropeTheta, s.L);
  const params: Qwen3LayerParams = {
    q: matrices.q.nbits,
    k: matrices.k.nbits,
    v: matrices.v.nbits,
    o: matrices.o.nbits,
    gate: matrices.gate.nbits,
    up: matrices.up.nbits,
    down: matrices.down.nbits,
    inputNorm: gains(rng, hidden),
    postNorm: gains(rng, hidden),
    qNorm: gains(rng, hd),
    kNorm: gains(rng, hd),
    cos: rope.cos,
    sin: rope.sin,
  };
  return { params, matrices };
}
