// y = x · Wᵀ (+ bias) with fused epilogues (SwiGLU, gated residual), for f32 / f16 / q4 / q8 weights and ggml's
// block formats as stored in GGUF files (q4_0 .. q8_0: shaders/matmul_ggml_legacy.wgsl; q2_k .. q6_k:
// shaders/matmul_ggml_k.wgsl; both over shaders/matmul_ggml_bytes.wgsl). Every kernel and epilogue takes every format.
// Shader composition, bindings and dispatch: header of shaders/matmul.wgsl. This file generates the binding
// block (with the accessors bias_at / residual_at / gate_mul) and picks a kernel: matvec for M <= 8, wide above
// (weights decoded straight into registers, shaders/matmul_wide.wgsl); tiled (both operands staged in workgroup
// memory, shaders/matmul.wgsl) on request, and in `npm run bench` beside wide.
import tiledBody from '../../../shaders/matmul.wgsl?raw';
import f16Format from '../../../shaders/matmul_f16.wgsl?raw';
import f32Format from '../../../shaders/matmul_f32.wgsl?raw';
import ggmlBytes from '../../../shaders/matmul_ggml_bytes.wgsl?raw';
import ggmlK from '../../../shaders/matmul_ggml_k.wgsl?raw';
import ggmlLegacy from '../../../shaders/matmul_ggml_legacy.wgsl?raw';
import linearSet from '../../../shaders/matmul_linear.wgsl?raw';
import matvecBody from '../../../shaders/matmul_matvec.wgsl?raw';
import wideBody from '../../../shaders/matmul_wide.wgsl?raw';
import quantFormat from '../../../shaders/matmul_quant.wgsl?raw';
import swigluSet from '../../../shaders/matmul_swiglu.wgsl?raw';
import { GGML_BLOCKS, ggmlRowBytes, isGgmlBlockDType, QUANT_BLOCK, type DType, type ParamType } from '../formats.ts';
import { type Batch, type Binding, grid } from '../gpu.ts';
import { params } from '../params.ts';
import type { Tensor } from '../tensor.ts';

/** A weight (N, K), or the same weight split into row chunks (N_i, K) that together hold its N rows in order. */
export type WeightParts = Tensor | readonly Tensor[];

export const MATVEC_MAX_M = 8; // rows handled by the small-M kernel (MAXM in matmul_matvec.wgsl)
const TILE_WGX = 16; // tiled kernel: invocations along columns (4 columns each)
const TILE_TK = 16; // K per workgroup-memory stage
const MV_WG = 128; // small-M kernel: invocations per workgroup
const WIDE_WG = 64; // wide kernel: invocations (column pairs) per workgroup
const WIDE_TM = 32; // wide kernel: rows of x per workgroup (MAXTM in matmul_wide.wgsl; 16 rows: M=64 q4 3.1 ms, 32 rows: 2.7 ms)

/** The matmul kernels: matvec (M <= 8), tiled (workgroup-memory tiles of x and W), wide (W decoded in registers). */
export type MatmulKernel = 'matvec' | 'tiled' | 'wide';

/**
 * The kernel used by default for M rows of x: matvec up to 8 rows, then wide for every weight format
 * (`npm run bench` on SwiftShader, M=64 K=256 N=256: q4 6.7 ms tiled, 2.7 ms wide; f32 7.5 ms tiled, 3.0 ms wide).
 */
export function matmulKernel(M: number): MatmulKernel {
  return M <= MATVEC_MAX_M ? 'matvec' : 'wide';
}

// ---- shader composition -------------------------------------------------------------------------------------

interface Decl {
  name: string;
  type: string;
  buffer: Binding;
}

/** @internal Storage declarations of weight `name` (w0, w1) in the order its buffers are bound. */
export function weightDecls(w: Tensor, name: string): Decl[] {
  if (w.dtype === 'f32') return [{ name: `${name}_data`, type: 'array<f32>', buffer: w.data }];
  if (w.dtype === 'f16' || isGgmlBlockDType(w.dtype)) return [{ name: `${name}_data`, type: 'array<u32>', buffer: w.data }];
  return [
    { name: `${name}_codes`, type: 'array<u32>', buffer: w.data },
    { name: `${name}_params`, type: 'array<u32>', buffer: w.params },
  ];
}

/** @internal The format template (WT_at / WT_chunk) instantiated for weight `name`. */
export function formatSource(dtype: DType, name: string): string {
  let src: string;
  if (isGgmlBlockDType(dtype)) {
    // The family's decoders, and WT_chunk / WT_at for this type (k a multiple of 8 always, as blocks are 32-aligned).
    src = [
      ggmlBytes,
      GGML_BLOCKS[dtype].blockSize === 32 ? ggmlLegacy : ggmlK,
      `fn WT_chunk(n: u32, k: u32) -> mat2x4<f32> { return WT_${dtype}_chunk(n, k); }`,
      'fn WT_at(n: u32, k: u32) -> f32 { var c = WT_chunk(n, k & ~7u); return c[(k >> 2u) & 1u][k & 3u]; }',
    ].join('\n');
  } else src = dtype === 'f32' ? f32Format : dtype === 'f16' ? f16Format : quantFormat;
  return src.replace(/\bWT_/g, `${name}_`);
}

/** @internal Overrides the quant template reads (declared by every kernel body). */
export function formatConstants(w: Tensor): Record<string, number> {
  if (w.dtype !== 'q4' && w.dtype !== 'q8') return {};
  return { QBITS: w.dtype === 'q4' ? 4 : 8, QPARAM_F32: w.paramType === 'f32' ? 1 : 0 };
}

/** @internal Declarations: uniform Params at binding 0, then storage in `decls` order, then y read_write. */
export function bindingBlock(decls: Decl[], paramsStruct: string): string {
  const lines = [paramsStruct, '@group(0) @binding(0) var<uniform> p: Params;'];
  decls.forEach((d, i) => lines.push(`@group(0) @binding(${i + 1}) var<storage, read> ${d.name}: ${d.type};`));
  lines.push(`@group(0) @binding(${decls.length + 1}) var<storage, read_write> y: array<f32>;`);
  return lines.join('\n');
}

// Field order = WGSL struct order (params.ts): rows, weight rows of this dispatch, K, y row stride (elements),
// first y column of this dispatch, workgroups per grid row, gate rows.
const PARAMS = 'struct Params { M: u32, N: u32, K: u32, ldy: u32, col0: u32, gx: u32, G: u32 }';

interface Epilogue {
  swiglu: boolean;
  addGate?: Tensor; // SwiGLU: (M, ldy) added to the gate accumulator before SiLU (low-rank side products)
  addUp?: Tensor; // SwiGLU: (M, ldy) added to the up accumulator
  bias?: Tensor;
  gate?: Tensor; // (G, ldy)
  rowSel?: Tensor; // u32 (M)
  residual?: Tensor | 'in-place';
}

function epilogueDecls(e: Epilogue): { decls: Decl[]; accessors: string; tag: string } {
  const decls: Decl[] = [];
  if (e.bias) decls.push({ name: 'bias', type: 'array<f32>', buffer: e.bias.data });
  if (e.gate) decls.push({ name: 'gate', type: 'array<f32>', buffer: e.gate.data });
  if (e.rowSel) decls.push({ name: 'rowsel', type: 'array<u32>', buffer: e.rowSel.data });
  if (e.residual && e.residual !== 'in-place') decls.push({ name: 'res', type: 'array<f32>', buffer: e.residual.data });
  if (e.swiglu) {
    // Without an addend the accessor returns v unchanged, so the plain SwiGLU source computes exactly what it did.
    if (e.addGate) decls.push({ name: 'addg', type: 'array<f32>', buffer: e.addGate.data });
    if (e.addUp) decls.push({ name: 'addu', type: 'array<f32>', buffer: e.addUp.data });
    const accessors = [
      `fn gate_in(i: u32, v: f32) -> f32 { return ${e.addGate ? 'v + addg[i]' : 'v'}; }`,
      `fn up_in(i: u32, v: f32) -> f32 { return ${e.addUp ? 'v + addu[i]' : 'v'}; }`,
    ].join('\n');
    return { decls, accessors, tag: `swiglu${e.addGate ? 'G' : ''}${e.addUp ? 'U' : ''}` };
  }
  const row = e.rowSel ? 'min(rowsel[m], p.G - 1u)' : '0u';
  // tanh(|g| >= 10) is 1.0 in f32; the clamp keeps backends whose tanh overflows to NaN on large inputs exact.
  const gateMul = e.gate ? `tanh(clamp(gate[${row} * p.ldy + col], -10.0, 10.0))` : '1.0';
  const residual = e.residual === 'in-place' ? 'y[i]' : e.residual ? 'res[i]' : '0.0';
  const accessors = [
    `fn bias_at(col: u32) -> f32 { return ${e.bias ? 'bias[col]' : '0.0'}; }`,
    `fn residual_at(i: u32) -> f32 { return ${residual}; }`,
    `fn gate_mul(m: u32, col: u32) -> f32 { return ${gateMul}; }`,
  ].join('\n');
  const flag = (b: unknown, c: string) => (b ? c : '');
  const res = e.residual === 'in-place' ? 'I' : flag(e.residual, 'R');
  return { decls, accessors, tag: `linear${flag(e.bias, 'B')}${flag(e.gate, 'G')}${flag(e.rowSel, 'S')}${res}` };
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

const sources = new Map<string, string>(); // kernel name -> composed WGSL

/** One dispatch per weight row chunk, each writing its own columns of y (M, ldy). */
function run(b: Batch, op: string, x: Tensor, w0: readonly Tensor[], w1: readonly Tensor[] | null, e: Epilogue, y: Tensor, M: number, K: number, ldy: number, forced?: MatmulKernel): void {
  const G = e.gate ? e.gate.numel / ldy : 1;
  const kernel = forced ?? matmulKernel(M);
  if (kernel === 'matvec' && M > MATVEC_MAX_M) throw new RangeError(`${op}: the matvec kernel takes at most ${MATVEC_MAX_M} rows, got ${M}`);
  const lim = b.gpu.limits.maxComputeWorkgroupsPerDimension;
  const { decls: epi, accessors, tag } = epilogueDecls(e);
  let col0 = 0; // first column of y for this chunk
  for (let c = 0; c < w0.length; c++) {
    const N = w0[c].shape[0];
    const decls: Decl[] = [{ name: 'x', type: 'array<f32>', buffer: x.data }, ...weightDecls(w0[c], 'w0')];
    if (w1) decls.push(...weightDecls(w1[c], 'w1'));
    decls.push(...epi);
    const vcols = w1 ? 2 * N : N;
    const fmt = w0[c].dtype;
    // The name says everything the source depends on (kernel, weight format, epilogue): composed once per name.
    const name = `matmul_${kernel}_${fmt}${isGgmlBlockDType(fmt) ? '' : w0[c].paramType}_${tag}`;
    let code = sources.get(name);
    if (code === undefined) {
      code = [
        bindingBlock(decls, PARAMS),
        accessors,
        formatSource(fmt, 'w0'),
        w1 ? formatSource(fmt, 'w1') : '',
        w1 ? swigluSet : linearSet,
        kernel === 'matvec' ? matvecBody : kernel === 'wide' ? wideBody : tiledBody,
      ].join('\n');
      sources.set(name, code);
    }
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
    b.dispatch({ name, code, constants: { ...constants, ...formatConstants(w0[c]) } }, u, [...decls.map((d) => d.buffer), y.data], groups);
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
