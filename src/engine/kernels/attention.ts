// Flash-style attention (tiled online softmax, the score matrix never exists). Bindings, dispatch and the work split:
// shaders/attention.wgsl. Shape checks and the output tensor: here; shared with attentionNaive.ts.
import code from '../../../shaders/attention.wgsl?raw';
import type { Batch } from '../gpu.ts';
import { params } from '../params.ts';
import type { Tensor } from '../tensor.ts';

export interface AttentionOptions {
  /** Query heads (Hq). */
  heads: number;
  /** Key/value heads (Hkv); `heads` must be a multiple (grouped-query attention). */
  kvHeads: number;
  /** Elements per head (hd), a multiple of 4. */
  headDim: number;
  /** Query i sees keys 0..i only; needs Lq == Lk. */
  causal?: boolean;
  /** Softmax scale; defaults to 1/sqrt(headDim). */
  scale?: number;
  /** Output tensor of Lq·heads·headDim f32 elements; allocated when absent. */
  out?: Tensor;
}

/** Default workgroup-memory budget: WebGPU's guaranteed minimum maxComputeWorkgroupStorageSize. */
export const ATTENTION_SMEM_BUDGET = 16384; // bytes
const MAX_C = 8; // = MAXC in the shader: vec4s of the head dim one invocation keeps in registers
const TARGET_WG = 128; // invocations per workgroup to aim for
const MAX_BK = 32; // keys per tile: beyond this the tile loop gains little and registers/red grow

export interface AttentionTiles {
  /** vec4s of the head dim per invocation. */
  c: number;
  /** Invocations per query row (hd / 4 / c). */
  td: number;
  /** Query rows per workgroup. */
  bq: number;
  /** Keys per tile. */
  bk: number;
  /** Invocations per workgroup (bq · td). */
  wg: number;
  /** Workgroup memory the tiles need. */
  bytes: number;
}

/**
 * Tile sizes for a head dim under a workgroup-memory budget (bytes). Each invocation keeps c <= 8 vec4s of q and of
 * the accumulator (hd = 64: 2 invocations per row, 128: 4, 512: 16). Fewer invocations per row mean fewer partial
 * sums to reduce per key (`npm run bench`, attention L=256 H=2 hd=64 on SwiftShader: 51 ms with c = 4, 34 ms with
 * c = 8); the registers (2·c vec4s) stay well inside a real GPU's budget. About 128
 * invocations per workgroup; then as many keys per tile as the K/V tile (16·bk·hd/4 bytes) plus the
 * partial-dot scratch (4·bk·wg bytes) allow.
 */
export function attentionTiles(headDim: number, budget = ATTENTION_SMEM_BUDGET): AttentionTiles {
  if (!Number.isInteger(headDim) || headDim < 4 || headDim % 4 !== 0)
    throw new RangeError(`attention: headDim must be a positive multiple of 4, got ${headDim}`);
  const hd4 = headDim / 4; // vec4s per row
  const cMax = MAX_C;
  let c = Math.min(cMax, hd4);
  while (hd4 % c !== 0) c--;
  const td = hd4 / c;
  const bq = Math.max(1, Math.floor(TARGET_WG / td));
  const wg = bq * td;
  const perKey = 16 * hd4 + 4 * wg; // bytes of workgroup memory per key of the tile
  const bk = Math.min(MAX_BK, Math.floor(budget / perKey));
  if (bk < 1 || wg > 256)
    throw new RangeError(`attention: headDim ${headDim} does not fit a workgroup-memory budget of ${budget} bytes`);
  return { c, td, bq, bk, wg, bytes: bk * perKey };
}

export interface AttentionShape {
  lq: number;
  lk: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  causal: boolean;
  scale: number;
}

/** Validates q (Lq, heads·hd), k and v (Lk, kvHeads·hd) (any trailing split of the row is fine) and the options. */
export function checkAttention(name: string, q: Tensor, k: Tensor, v: Tensor, opts: AttentionOptions): AttentionShape {
  const { heads, kvHeads, headDim } = opts;
  const causal = opts.causal ?? false;
  for (const [key, n] of [['heads', heads], ['kvHeads', kvHeads], ['headDim', headDim]] as const)
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`${name}: ${key} must be a positive integer, got ${n}`);
  if (headDim % 4 !== 0) throw new RangeError(`${name}: headDim must be a multiple of 4, got ${headDim}`);
  if (heads % kvHeads !== 0) throw new RangeError(`${name}: heads (${heads}) must be a multiple of kvHeads (${kvHeads})`);
  for (const [key, t] of [['q', q], ['k', k], ['v', v]] as const)
    if (t.dtype !== 'f32') throw new RangeError(`${name}: ${key} must be f32, got ${t.dtype}`);
  const lq = q.shape[0];
  const lk = k.shape[0];
  if (!(lq >= 1) || q.numel !== lq * heads * headDim)
    throw new RangeError(`${name}: q has shape [${q.shape}], expected (Lq >= 1, ${heads}·${headDim})`);
  if (!(lk >= 1) || k.numel !== lk * kvHeads * headDim)
    throw new RangeError(`${name}: k has shape [${k.shape}], expected (Lk >= 1, ${kvHeads}·${headDim})`);
  if (v.shape[0] !== lk || v.numel !== k.numel)
    throw new RangeError(`${name}: v has shape [${v.shape}], expected the shape of k [${k.shape}]`);
  if (causal && lq !== lk) throw new RangeError(`${name}: causal attention needs Lq == Lk, got ${lq} and ${lk}`);
  const scale = opts.scale ?? 1 / Math.sqrt(headDim);
  if (!Number.isFinite(scale)) throw new RangeError(`${name}: scale must be finite, got ${scale}`);
  if (opts.out) {
    if (opts.out.dtype !== 'f32' || opts.out.numel !== lq * heads * headDim)
      throw new RangeError(`${name}: out has shape [${opts.out.shape}] ${opts.out.dtype}, expected f32 (${lq}, ${heads * headDim})`);
    for (const t of [q, k, v])
      if (t.data === opts.out.data) throw new RangeError(`${name}: out must not alias q, k or v`);
  }
  return { lq, lk, heads, kvHeads, headDim, causal, scale };
}

/**
 * out = softmax(q kᵀ · scale [+ causal mask]) v per head; q (Lq, heads·headDim), k, v (Lk, kvHeads·headDim), all
 * f32. Returns out, (Lq, heads·headDim) (or `opts.out`).
 */
export function attention(b: Batch, q: Tensor, k: Tensor, v: Tensor, opts: AttentionOptions): Tensor {
  const s = checkAttention('attention', q, k, v, opts);
  const limits = b.gpu.limits;
  const tiles = attentionTiles(s.headDim, Math.min(ATTENTION_SMEM_BUDGET, limits.maxComputeWorkgroupStorageSize));
  const groups = Math.ceil(s.lq / tiles.bq);
  if (groups > limits.maxComputeWorkgroupsPerDimension || s.heads > limits.maxComputeWorkgroupsPerDimension)
    throw new RangeError(`attention: Lq ${s.lq} with ${s.heads} heads exceeds the dispatch grid`);
  const out = opts.out ?? b.gpu.empty([s.lq, s.heads * s.headDim], 'f32', 'attention.out'); // (Lq, Hq·hd)
  const u = params()
    .u32(s.lq)
    .u32(s.lk)
    .u32(s.heads)
    .u32(s.kvHeads)
    .u32(s.heads / s.kvHeads)
    .u32(s.causal ? 1 : 0)
    .f32(s.scale * Math.LOG2E)
    .build();
  const constants = { HD4: s.headDim / 4, C: tiles.c, BQ: tiles.bq, BK: tiles.bk };
  b.dispatch({ name: 'attention', code, constants }, u, [q.data, k.data, v.data, out.data], [groups, s.heads, 1]);
  return out;
}
