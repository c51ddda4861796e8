// y = x · Wᵀ (+ bias) with fused epilogues (SwiGLU, gated residual), for f32 / f16 / q4 / q8 weights and ggml's
// block formats as stored in GGUF files (q4_0 .. q8_0: shaders/matmul_ggml_legacy.wgsl; q2_k .. q6_k:
// shaders/matmul_ggml_k.wgsl; both over shaders/matmul_ggml_bytes.wgsl). Every kernel and epilogue takes every format.
// The shaders (parts and variant keys): matmulShader.ts; bindings and dispatch: header of shaders/matmul.wgsl.
// This file checks operands, binds and picks a kernel: matvec for M <= 8, wide above (weights decoded straight
// into registers, shaders/matmul_wide.wgsl); tiled (both operands staged in workgroup memory, shaders/matmul.wgsl)
// on request, and in `npm run bench` beside wide.
import { GGML_BLOCKS, ggmlRowBytes, isGgmlBlockDType, QUANT_BLOCK, type DType, type ParamType } from '../formats.ts';
import { type Batch, grid } from '../gpu.ts';
import { params } from '../params.ts';
import type { Tensor } from '../tensor.ts';
import { type EpilogueKind, epilogueInputs, formatConstants, type MatmulKernel, matmulShader, weightBuffers } from './matmulShader.ts';

export type { MatmulKernel } from './matmulShader.ts';

/** A weight (N, K), or the same weight split into row chunks (N_i, K) that together hold its N rows in order. */
export type WeightParts = Tensor | readonly Tensor[];

export const MATVEC_MAX_M = 8; // rows handled by the small-M kernel (MAXM in matmul_matvec.wgsl)
const TILE_WGX = 16; // tiled kernel: invocations along columns (4 columns each)
const TILE_TK = 16; // K per workgroup-memory stage
const MV_WG = 128; // small-M kernel: invocations per workgroup
const WIDE_WG = 64; // wide kernel: invocations (column pairs) per workgroup
const WIDE_TM = 32; // wide kernel: rows of x per workgroup (MAXTM in matmul_wide.wgsl; 16 rows: M=64 q4 3.1 ms, 32 rows: 2.7 ms)

/**
 * The kernel used by default for M rows of x: matvec up to 8 rows, then wide for every weight format
 * (`npm run bench` on SwiftShader, M=64 K=256 N=256: q4 6.7 ms tiled, 2.7 ms wide; f32 7.5 ms tiled, 3.0 ms wide).
 */
export function matmulKernel(M: number): MatmulKernel {
  return M <= MATVEC_MAX_M ? 'matvec' : 'wide';
}

interface Epilogue {
  swiglu: boolean;
  addGate?: Tensor; // SwiGLU: (M, ldy) added to the gate accumulator before SiLU (low-rank side products)
  addUp?: Tensor; // SwiGLU: (M, ldy) added to the up accumulator
  bias?: Tensor;
  gate?: Tensor; // (G, ldy)
  rowSel?: Tensor; // u32 (M)
  residual?: Tensor | 'in-place';
}

function kindOf(e: Epilogue): EpilogueKind {
  const residual = e.residual === 'in-place' ? 'in-place' : e.residual ? 'tensor' : undefined;
  return { swiglu: e.swiglu, addGate: !!e.addGate, addUp: !!e.addUp, bias: !!e.bias, gate: !!e.gate, rowSel: !!e.rowSel, residual };
}

// ---- validation ---------------------------------------------------------------------------------------------

function parts(w: WeightParts): readonly Tensor[] {
  return Array.isArray(w) ? (w as readonly Tensor[]) : [w as Tensor];
}

/** Checks x (…, K) f32 and the weight chunks (N_i, K) of one dtype; returns M, K and N = Σ N_i. */
function checkOperands(op: string, x: Tensor, ws: readonly Tensor[]): { M: number; K: number; N: number } {
  if (x.dtype !== 'f32') throw new RangeError(`${op}: x must be f32, got ${x.dtype}`);
  if (x.shape.length < 1) throw new RangeError(`${op}: x must have at least one dimension`);
  const K = x.shape[x.shape.length - 1];
  const M = x.numel / K;
  if (ws.length === 0) throw new RangeError(`${op}: the weight has no row chunks`);
  let N = 0;
  for (const w of ws) {
    if (w.shape.length !== 2) throw new RangeError(`${op}: weight must be 2-D (N, K), got [${w.shape}]`);
    if (w.dtype === 'u32') throw new RangeError(`${op}: a u32 tensor is not a weight`);
    if (w.shape[1] !== K) throw new RangeError(`${op}: x has K=${K} but the weight is [${w.shape}] (N, K)`);
    if (w.dtype !== ws[0].dtype || w.paramType !== ws[0].paramType)
      throw new RangeError(`${op}: weight row chunks must share one dtype and param type`);
    if ((w.dtype === 'q4' || w.dtype === 'q8') && K % QUANT_BLOCK !== 0)
      throw new RangeError(`${op}: quantized weights need K a multiple of ${QUANT_BLOCK}, got ${K}`);
    if (isGgmlBlockDType(w.dtype) && K % GGML_BLOCKS[w.dtype].blockSize !== 0)
      throw new RangeError(`${op}: ${w.dtype} weights need K a multiple of ${GGML_BLOCKS[w.dtype].blockSize}, got ${K}`);
    N += w.shape[0];
  }
  if (M < 1 || K < 1 || N < 1) throw new RangeError(`${op}: empty operand (M=${M}, K=${K}, N=${N})`);
  return { M, K, N };
}

function checkF32(op: string, what: string, t: Tensor, numel: number, shape: string): void {
  if (t.dtype !== 'f32' || t.numel !== numel) throw new RangeError(`${op}: ${what} must be f32 ${shape}, got ${t.dtype} [${t.shape}]`);
}

function outShape(x: Tensor, N: number): number[] {
  return [...x.shape.slice(0, -1), N];
}

// ---- dispatch -----------------------------------------------------------------------------------------------

/** One dispatch per weight row chunk, each writing its own columns of y (M, ldy). */
function run(b: Batch, op: string, x: Tensor, w0: readonly Tensor[], w1: readonly Tensor[] | null, e: Epilogue, y: Tensor, M: number, K: number, ldy: number, forced?: MatmulKernel): void {
  const G = e.gate ? e.gate.numel / ldy : 1;
  const kernel = forced ?? matmulKernel(M);
  if (kernel === 'matvec' && M > MATVEC_MAX_M) throw new RangeError(`${op}: the matvec kernel takes at most ${MATVEC_MAX_M} rows, got ${M}`);
  const lim = b.gpu.limits.maxComputeWorkgroupsPerDimension;
  const kind = kindOf(e);
  const epi = epilogueInputs({ ...e, residual: e.residual === 'in-place' ? undefined : e.residual }).map((t) => t.data);
  let col0 = 0; // first column of y for this chunk
  for (let c = 0; c < w0.length; c++) {
    const N = w0[c].shape[0];
    const buffers = [x.data, ...weightBuffers(w0[c]), ...(w1 ? weightBuffers(w1[c]) : []), ...epi];
    const vcols = w1 ? 2 * N : N;
    const shader = matmulShader(kernel, w0[c].dtype, kind);
    let constants: Record<string, number>;
    let groups: [number, number, number];
    if (kernel === 'matvec') {
      // Split a row across invocations only when each still gets >= 16 chunks of 8: short rows (adaLN, K = 256)
      // run barrier-free with one invocation per column pair.
      const tpr = 2 ** Math.min(5, Math.max(0, Math.floor(Math.log2(K / 8 / 16))));
      groups = grid(Math.ceil(Math.ceil(vcols / 2) / (MV_WG / tpr)), lim);
      constants = { MV_WG, MV_TPR: tpr, MV_M: M };
    } else if (kernel === 'wide') {
      groups = [Math.ceil(Math.ceil(vcols / 2) / WIDE_WG), Math.ceil(M / WIDE_TM), 1];
      if (groups[0] > lim || groups[1] > lim) throw new RangeError(`${op}: ${M} x ${vcols} exceeds the dispatch grid; split the weight rows or x`);
      constants = { WG: WIDE_WG, TM: WIDE_TM };
    } else {
      const wgy = M <= 32 ? 8 : 16; // short M: a 32-row tile wastes less
      const wgx = vcols <= 128 ? 8 : TILE_WGX; // few columns: 32-column tiles
      groups = [Math.ceil(vcols / (4 * wgx)), Math.ceil(M / (4 * wgy)), 1];
      if (groups[0] > lim || groups[1] > lim) throw new RangeError(`${op}: ${M} x ${vcols} exceeds the dispatch grid; split the weight rows or x`);
      constants = { WGX: wgx, WGY: wgy, TK: TILE_TK, CHUNKED: K % 8 === 0 ? 1 : 0 };
    }
    const u = params().u32(M).u32(N).u32(K).u32(ldy).u32(col0).u32(groups[0]).u32(G).build();
    b.dispatch({ shader, constants: { ...constants, ...formatConstants(w0[c]) } }, u, [...buffers, y.data], groups);
    col0 += N;
  }
}

// ---- public API ---------------------------------------------------------------------------------------------

/**
 * y = x · Wᵀ (+ bias). x f32 (M, K) (or (…, K)); w (N, K) any weight dtype, or its row chunks; bias f32 (N).
 * `accumulate` adds into `out` (out += x · Wᵀ + bias): how low-rank side products join a projection's output.
 */
export function matmul(b: Batch, x: Tensor, w: WeightParts, opts: { bias?: Tensor; out?: Tensor; accumulate?: boolean; kernel?: MatmulKernel } = {}): Tensor {
  const ws = parts(w);
  const { M, K, N } = checkOperands('matmul', x, ws);
  if (opts.bias) checkF32('matmul', 'bias', opts.bias, N, `(${N})`);
  if (opts.accumulate && !opts.out) throw new RangeError('matmul: accumulate needs the `out` tensor to add into');
  const y = opts.out ?? b.gpu.empty(outShape(x, N), 'f32', 'matmul.out'); // (M, N)
  if (opts.out) checkF32('matmul', 'out', opts.out, M * N, `(${M}, ${N})`);
  run(b, 'matmul', x, ws, null, { swiglu: false, bias: opts.bias, residual: opts.accumulate ? 'in-place' : undefined }, y, M, K, N, opts.kernel);
  return y;
}

/**
 * silu(x · Wgᵀ + addGate) * (x · Wuᵀ + addUp) in one pass over x. Gate and up: (N, K), same dtype, same row
 * chunking; the optional addends f32 (M, N) are added to the accumulators before SiLU (LoRA side products).
 */
export function matmulSwiGLU(
  b: Batch,
  x: Tensor,
  wGate: WeightParts,
  wUp: WeightParts,
  opts: { out?: Tensor; addGate?: Tensor; addUp?: Tensor; kernel?: MatmulKernel } = {},
): Tensor {
  const gs = parts(wGate);
  const us = parts(wUp);
  const { M, K, N } = checkOperands('matmulSwiGLU', x, gs);
  checkOperands('matmulSwiGLU', x, us);
  if (gs.length !== us.length || gs.some((g, i) => g.shape[0] !== us[i].shape[0] || g.dtype !== us[i].dtype || g.paramType !== us[i].paramType))
    throw new RangeError('matmulSwiGLU: gate and up weights must have the same dtype, shape and row chunking');
  const y = opts.out ?? b.gpu.empty(outShape(x, N), 'f32', 'matmulSwiGLU.out'); // (M, N)
  if (opts.out) checkF32('matmulSwiGLU', 'out', opts.out, M * N, `(${M}, ${N})`);
  if (opts.addGate) checkF32('matmulSwiGLU', 'addGate', opts.addGate, M * N, `(${M}, ${N})`);
  if (opts.addUp) checkF32('matmulSwiGLU', 'addUp', opts.addUp, M * N, `(${M}, ${N})`);
  run(b, 'matmulSwiGLU', x, gs, us, { swiglu: true, addGate: opts.addGate, addUp: opts.addUp }, y, M, K, N, opts.kernel);
  return y;
}

/**
 * out = residual + tanh(gate[g(m)]) * (x · Wᵀ + bias). residual f32 (M, N); gate f32 (G, N); rowSel: u32
 * (M) with values < G picking each row's gate row (default: row 0). inPlace writes into `residual` and returns it.
 */
export function matmulGatedResidual(
  b: Batch,
  x: Tensor,
  w: WeightParts,
  residual: Tensor,
  gate: Tensor,
  opts: { bias?: Tensor; rowSel?: Tensor; inPlace?: boolean; kernel?: MatmulKernel } = {},
): Tensor {
  const op = 'matmulGatedResidual';
  const ws = parts(w);
  const { M, K, N } = checkOperands(op, x, ws);
  checkF32(op, 'residual', residual, M * N, `(${M}, ${N})`);
  if (gate.dtype !== 'f32' || gate.shape[gate.shape.length - 1] !== N || gate.numel % N !== 0)
    throw new RangeError(`${op}: gate must be f32 (G, ${N}), got ${gate.dtype} [${gate.shape}]`);
  if (opts.bias) checkF32(op, 'bias', opts.bias, N, `(${N})`);
  const rs = opts.rowSel;
  if (rs && (rs.numel !== M || rs.dtype !== 'u32')) throw new RangeError(`${op}: rowSel must be u32 (${M}), got ${rs.dtype} [${rs.shape}]`);
  const y = opts.inPlace ? residual : b.gpu.empty([...residual.shape], 'f32', `${op}.out`); // (M, N)
  const e: Epilogue = { swiglu: false, bias: opts.bias, gate, rowSel: rs, residual: opts.inPlace ? 'in-place' : residual };
  run(b, op, x, ws, null, e, y, M, K, N, opts.kernel);
  return y;
}

/**
 * Row-chunk sizes (in order, summing to `rows`) so that every buffer of a (rows, cols) weight in `dtype` fits in
 * one storage binding of `maxBindingBytes` — for splitting a weight at upload before passing the chunks as w.
 */
export function splitRows(rows: number, cols: number, dtype: DType, maxBindingBytes: number, paramType: ParamType = 'f16'): number[] {
  let rowBytes: number; // bytes per row of the largest buffer; f16 / blocks add at most 2 bytes of padding per chunk
  if (isGgmlBlockDType(dtype)) rowBytes = ggmlRowBytes(dtype, cols);
  else if (dtype === 'f32') rowBytes = cols * 4;
  else if (dtype === 'f16') rowBytes = cols * 2;
  else rowBytes = Math.max(dtype === 'q4' ? cols / 2 : cols, (cols / QUANT_BLOCK) * (paramType === 'f16' ? 4 : 8));
  const per = Math.floor((maxBindingBytes - 4) / rowBytes);
  if (per < 1) throw new RangeError(`splitRows: one row of ${cols} ${dtype} values exceeds ${maxBindingBytes} bytes`);
  const out: number[] = [];
  for (let r = 0; r < rows; r += per) out.push(Math.min(per, rows - r));
  return out;
}
