// Flash-style attention (tiled online softmax, the score matrix never exists), two kernels with one contract:
// shaders/attention_rows.wgsl (one invocation per query row, head dims <= 128) and shaders/attention.wgsl (a row
// split over several invocations, any head dim). Bindings, dispatch and the work split: their headers. Shape
// checks, the choice of kernel and tiles, and the output tensor: here; the checks are shared with attentionNaive.ts.
import io from '../../../shaders/attention_io.wgsl?raw';
import rowsBody from '../../../shaders/attention_rows.wgsl?raw';
import splitBody from '../../../shaders/attention.wgsl?raw';
import type { Batch } from '../gpu.ts';
import { part, type Shader, shader, unroll } from '../compose.ts';
import type { KernelSpec } from '../pipelines.ts';
import { params } from '../params.ts';
import type { Tensor } from '../tensor.ts';

export interface AttentionOptions {
  /** Query heads (Hq). */
  heads: number;
  /** Key/value heads (Hkv); `heads` must be a multiple (grouped-query attention). */
  kvHeads: number;
  /** Elements per head (hd), a multiple of 4. */
  headDim: number;
  /**
   * Query i sees keys 0 .. i + Lk - Lq only; needs Lq <= Lk. Lq == Lk is the usual mask; Lq < Lk: the queries are
   * the last Lq positions of the sequence (a decode step against a KV cache).
   */
  causal?: boolean;
  /** Softmax scale; defaults to 1/sqrt(headDim). */
  scale?: number;
  /** Output tensor of Lq·heads·headDim f32 elements; allocated when absent. */
  out?: Tensor;
  /** Forces a kernel (tests, bench); by default 'rows' for head dims up to ROWS_MAX_HEAD_DIM, else 'split'. */
  kernel?: AttentionKernel;
}

export type AttentionKernel = 'rows' | 'split';

/** Default workgroup-memory budget: WebGPU's guaranteed minimum maxComputeWorkgroupStorageSize. */
export const ATTENTION_SMEM_BUDGET = 16384; // bytes
const MAX_C = 16; // = MAXC in attention.wgsl: vec4s of the head dim one invocation keeps in registers
const TARGET_WG = 128; // invocations per workgroup to aim for
const MAX_BK = 32; // keys per tile (= MAXBK in attention_rows.wgsl): beyond this the loop gains little, registers grow
/** Largest head dim of the one-row-per-invocation kernel (= 4·MAXD4 in attention_rows.wgsl). */
export const ROWS_MAX_HEAD_DIM = 128;
const ROWS_WGS = [64, 32]; // rows kernel: invocations per workgroup, preferred first (see attentionRowTiles)
const ROWS_MAX_Q4 = 32; // rows kernel: vec4s of q (and as many of accumulator) per invocation
const ROWS_MAX_RPI = 2; // rows kernel: query rows per invocation
const ROWS_MAX_GH = 8; // rows kernel: query heads sharing one K/V tile per workgroup

const IO = part('attention_io', io);
const ROWS = part('attention_rows', rowsBody);
const SPLIT = part('attention', splitBody);

/**
 * The flash kernels' shaders: attention_io.wgsl, then the kernel body; the rows kernel's per-row blocks are
 * repeated for its rows per invocation (`rpi`, 1 or 2: see attentionRowTiles).
 */
export function attentionShader(kernel: AttentionKernel, rpi = 1): Shader {
  if (kernel === 'split') return shader('attention', { body: 'split' }, () => [IO, SPLIT]);
  return shader('attention', { body: 'rows', rpi }, () => [IO, unroll(ROWS, rpi, 'RPI')]);
}

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
 * Tiles of the split kernel for a head dim under a workgroup-memory budget (bytes). Each invocation keeps c <= 16
 * vec4s of q and of the accumulator (hd = 128: 2 invocations per row, 512: 8). Fewer invocations per row mean fewer
 * partial sums to reduce per key (`npm run bench`, attention L=64 H=1 hd=512 on SwiftShader: 17 ms with c = 8,
 * 12 ms with c = 16); 2·16 vec4s of registers is what a flash-attention thread holds on a real GPU too. About 128
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

export interface AttentionRowTiles {
  /** Query rows per invocation. */
  rpi: number;
  /** Query heads per workgroup (they share one kv head and its K/V tiles). */
  gh: number;
  /** Invocations along rows; the workgroup covers bq · rpi rows. */
  bq: number;
  /** Keys per tile. */
  bk: number;
  /** Invocations per workgroup (bq · gh). */
  wg: number;
  /** Workgroup memory the K and V tiles need. */
  bytes: number;
}

/**
 * Tiles of the rows kernel: rpi query rows of one head per invocation, as many (up to 2) as keep q and the
 * accumulator within 2·32 vec4s of registers (hd <= 64: 2 rows, each K/V read feeding both; `npm run bench`,
 * attention L=256 H=2 hd=64 on SwiftShader: 22.6 ms with 1 row, 17.9 ms with 2); gh = the largest divisor of
 * the grouped-query group up to ROWS_MAX_GH (Qwen3's 32/8 heads: 4 heads read each K/V tile); 64 invocations,
 * or 32 where that pads Lq to fewer rows (rows past Lq cost as much as real ones: L=160 hd=128 on SwiftShader,
 * 19.3 ms with 64 and 16.2 ms with 32); then as many keys per tile, a multiple of 4, as the K and V tiles
 * (32·bk·hd/4 bytes) allow. Throws beyond ROWS_MAX_HEAD_DIM or the budget.
 */
export function attentionRowTiles(headDim: number, group: number, lq = 1, budget = ATTENTION_SMEM_BUDGET): AttentionRowTiles {
  if (!Number.isInteger(headDim) || headDim < 4 || headDim % 4 !== 0 || headDim > ROWS_MAX_HEAD_DIM)
    throw new RangeError(`attention rows kernel: headDim must be a multiple of 4 up to ${ROWS_MAX_HEAD_DIM}, got ${headDim}`);
  const rpi = Math.max(1, Math.min(ROWS_MAX_RPI, Math.floor(ROWS_MAX_Q4 / (headDim / 4))));
  let gh = Math.min(group, ROWS_MAX_GH);
  while (group % gh !== 0) gh--;
  const padded = (wg: number) => {
    const rows = Math.floor(wg / gh) * rpi; // query rows per workgroup
    return Math.ceil(lq / rows) * rows;
  };
  const wgMax = ROWS_WGS.reduce((best, wg) => (padded(wg) < padded(best) ? wg : best));
  const bq = Math.floor(wgMax / gh);
  const perKey = 32 * (headDim / 4);
  const bk = Math.floor(Math.min(MAX_BK, Math.floor(budget / perKey)) / 4) * 4; // the kernel scores 4 keys at a time
  if (bk < 4) throw new RangeError(`attention: headDim ${headDim} does not fit a workgroup-memory budget of ${budget} bytes`);
  return { rpi, gh, bq, bk, wg: bq * gh, bytes: bk * perKey };
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
  if (causal && lq > lk) throw new RangeError(`${name}: causal attention needs Lq <= Lk, got ${lq} and ${lk}`);
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
  const budget = Math.min(ATTENTION_SMEM_BUDGET, limits.maxComputeWorkgroupStorageSize);
  const kernel = opts.kernel ?? (s.headDim <= ROWS_MAX_HEAD_DIM ? 'rows' : 'split');
  const group = s.heads / s.kvHeads;
  let spec: KernelSpec;
  let dispatch: [number, number, number];
  if (kernel === 'rows') {
    const t = attentionRowTiles(s.headDim, group, s.lq, budget);
    spec = { shader: attentionShader('rows', t.rpi), constants: { HD4: s.headDim / 4, BQ: t.bq, GH: t.gh, BK: t.bk } };
    dispatch = [Math.ceil(s.lq / (t.bq * t.rpi)), s.heads / t.gh, 1];
  } else {
    const t = attentionTiles(s.headDim, budget);
    spec = { shader: attentionShader('split'), constants: { HD4: s.headDim / 4, C: t.c, BQ: t.bq, BK: t.bk } };
    dispatch = [Math.ceil(s.lq / t.bq), s.heads, 1];
  }
  if (dispatch[0] > limits.maxComputeWorkgroupsPerDimension || dispatch[1] > limits.maxComputeWorkgroupsPerDimension)
    throw new RangeError(`attention: Lq ${s.lq} with ${s.heads} heads exceeds the dispatch grid`);
  const out = opts.out ?? b.gpu.empty([s.lq, s.heads * s.headDim], 'f32', 'attention.out'); // (Lq, Hq·hd)
  const u = params()
    .u32(s.lq)
    .u32(s.lk)
    .u32(s.heads)
    .u32(s.kvHeads)
    .u32(group)
    .u32(s.causal ? s.lk - s.lq + 1 : 0)
    .f32(s.scale * Math.LOG2E)
    .build();
  b.dispatch(spec, u, [q.data, k.data, v.data, out.data], dispatch);
  return out;
}
