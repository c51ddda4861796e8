// The pointwise family (add, mul, bias rows, scale, SiLU, SwiGLU product, gated residual, masked blend), row copies
// (concat, slice, broadcast) and a tiled 2-D transpose. Bindings and dispatch: shaders/elementwise.wgsl.
// Binary ops take operands with the same number of elements (any shapes); the result has the first one's shape.
// `inPlace` (or `out` = the first operand) writes into the first operand and returns it.
import code from '../../../shaders/elementwise.wgsl?raw';
import { fileShader } from '../compose.ts';
import { type Batch, grid } from '../gpu.ts';
import { params } from '../params.ts';
import type { Tensor } from '../tensor.ts';
import { checkF32, checkMod, checkNoAlias, checkRowSel, outputFor, placeholder, rowsOf } from './common.ts';

export const elementwiseShader = fileShader('elementwise', code);

const WG = 256;
const TILE = 16;
const OP = { add: 0, mul: 1, addRow: 2, scale: 3, silu: 4, siluMul: 5, gated: 6, blend: 7, copy: 8, affine: 9 } as const;

export interface PointwiseOptions {
  out?: Tensor;
  inPlace?: boolean;
}

interface Spec {
  op: number;
  a: Tensor; // first operand; the result's shape
  b?: Tensor;
  c?: Tensor;
  sel?: Tensor;
  cols?: number; // row width for broadcast operands
  alpha?: number;
  beta?: number;
  gate?: { stride: number; offset: number; groups: number };
}

function pointwise(batch: Batch, name: string, s: Spec, opts: PointwiseOptions = {}): Tensor {
  checkF32(name, 'a', s.a);
  const inPlace = opts.inPlace || (opts.out !== undefined && opts.out.data === s.a.data);
  const out = inPlace ? s.a : outputFor(batch, name, s.a.shape, opts.out);
  const inputs = { b: s.b, c: s.c, rowSel: s.sel };
  checkNoAlias(name, out, inPlace ? 'the in-place operand' : 'out', inPlace ? inputs : { ...inputs, a: s.a });
  const n = s.a.numel;
  const g = grid(Math.ceil(n / WG), batch.gpu.limits.maxComputeWorkgroupsPerDimension);
  const gate = s.gate ?? { stride: 0, offset: 0, groups: 1 };
  const u = params()
    .u32(n).u32(s.cols ?? 1).u32(g[0] * WG).u32(0).u32(0).u32(n) // n, cols, row_stride, src_off, dst_off, period
    .u32(gate.stride).u32(gate.offset).u32(gate.groups).u32(s.sel ? 1 : 0).f32(s.alpha ?? 1).u32(0).f32(s.beta ?? 0)
    .build(); // prettier-ignore
  const spare = placeholder(batch.gpu);
  const bindings = [s.b?.data ?? spare, s.c?.data ?? spare, s.sel?.data ?? spare, out.data];
  if (!inPlace) bindings.push(s.a.data);
  batch.dispatch({ shader: elementwiseShader, entryPoint: inPlace ? 'main_ip' : 'main', constants: { OP: s.op, WG } }, u, bindings, g);
  return out;
}

function sameSize(name: string, a: Tensor, b: Tensor, bName = 'b'): void {
  checkF32(name, bName, b);
  if (a.numel !== b.numel) throw new RangeError(`${name}: [${a.shape}] and ${bName} [${b.shape}] differ in size`);
}

/** a + c, elementwise. */
export function add(b: Batch, a: Tensor, c: Tensor, opts?: PointwiseOptions): Tensor {
  sameSize('add', a, c);
  return pointwise(b, 'add', { op: OP.add, a, b: c }, opts);
}

/** a * c, elementwise. */
export function mul(b: Batch, a: Tensor, c: Tensor, opts?: PointwiseOptions): Tensor {
  sameSize('mul', a, c);
  return pointwise(b, 'mul', { op: OP.mul, a, b: c }, opts);
}

/** x (M, N) + v (N) broadcast over rows (a Linear bias). */
export function addRow(b: Batch, x: Tensor, v: Tensor, opts?: PointwiseOptions): Tensor {
  const { cols } = rowsOf('addRow', 'x', x);
  checkF32('addRow', 'v', v);
  if (v.numel !== cols) throw new RangeError(`addRow: v [${v.shape}] for rows of ${cols}`);
  return pointwise(b, 'addRow', { op: OP.addRow, a: x, b: v, cols }, opts);
}
export const addBias = addRow;

/** a * s. */
export function scale(b: Batch, a: Tensor, s: number, opts?: PointwiseOptions): Tensor {
  if (!Number.isFinite(s)) throw new RangeError(`scale: factor must be finite, got ${s}`);
  return pointwise(b, 'scale', { op: OP.scale, a, alpha: s }, opts);
}

/** a * s + t (e.g. the VAE's latent scaling: z / scaling + shift). */
export function affine(b: Batch, a: Tensor, s: number, t: number, opts?: PointwiseOptions): Tensor {
  if (!Number.isFinite(s) || !Number.isFinite(t)) throw new RangeError(`affine: factors must be finite, got ${s}, ${t}`);
  return pointwise(b, 'affine', { op: OP.affine, a, alpha: s, beta: t }, opts);
}

/** silu(a) = a * sigmoid(a). */
export function silu(b: Batch, a: Tensor, opts?: PointwiseOptions): Tensor {
  return pointwise(b, 'silu', { op: OP.silu, a }, opts);
}

/** silu(a) * c: the SwiGLU product silu(w1 x) * (w3 x) of the DiT and Qwen3 feed-forwards. */
export function siluMul(b: Batch, a: Tensor, c: Tensor, opts?: PointwiseOptions): Tensor {
  sameSize('siluMul', a, c);
  return pointwise(b, 'siluMul', { op: OP.siluMul, a, b: c }, opts);
}

export interface GatedResidualOptions extends PointwiseOptions {
  /** u32 (M) of groups g(m) (default: every row uses gate row 0). */
  rowSel?: Tensor;
  /** Elements into each row of `gate` where the D columns start (default 0), e.g. a chunk of an adaLN output. */
  gateOffset?: number;
}

/** x (M, D) + tanh(gate[g(m), gateOffset + d]) * y (M, D); gate (G, S) or (S). */
export function gatedResidual(b: Batch, x: Tensor, y: Tensor, gate: Tensor, opts: GatedResidualOptions = {}): Tensor {
  const { rows, cols } = rowsOf('gatedResidual', 'x', x);
  sameSize('gatedResidual', x, y, 'y');
  const mod = checkMod('gatedResidual', 'gate', gate, cols, opts.gateOffset ?? 0);
  if (opts.rowSel) checkRowSel('gatedResidual', opts.rowSel, rows);
  const spec = { op: OP.gated, a: x, b: y, c: gate, sel: opts.rowSel, cols, gate: mod };
  return pointwise(b, 'gatedResidual', spec, opts);
}

/** mask * a + (1 - mask) * known; a, known (C, H, W), mask (H, W) broadcast over channels (1 = keep a). */
export function maskedBlend(b: Batch, a: Tensor, known: Tensor, mask: Tensor, opts?: PointwiseOptions): Tensor {
  sameSize('maskedBlend', a, known, 'known');
  checkF32('maskedBlend', 'mask', mask);
  const hw = mask.numel;
  if (a.numel % hw !== 0) throw new RangeError(`maskedBlend: mask [${mask.shape}] does not tile a [${a.shape}]`);
  if (a.shape.length === 3 && a.shape[1] * a.shape[2] !== hw)
    throw new RangeError(`maskedBlend: mask [${mask.shape}] is not (H, W) of a [${a.shape}]`);
  return pointwise(b, 'maskedBlend', { op: OP.blend, a, b: known, c: mask, cols: hw }, opts);
}

// ---- rows -------------------------------------------------------------------------------------------------

/** Copies `n` elements of src from srcOff (repeating the first `period`) to dst at dstOff. */
function copyRange(b: Batch, src: Tensor, dst: Tensor, srcOff: number, dstOff: number, n: number, period = n): void {
  if (n === 0) return;
  checkNoAlias('copyRows', dst, 'dst', { src });
  const g = grid(Math.ceil(n / WG), b.gpu.limits.maxComputeWorkgroupsPerDimension);
  const u = params().u32(n).u32(1).u32(g[0] * WG).u32(srcOff).u32(dstOff).u32(period).u32(0).u32(0).u32(1).u32(0).f32(1).u32(0).f32(0).build();
  const spare = placeholder(b.gpu);
  b.dispatch({ shader: elementwiseShader, entryPoint: 'main', constants: { OP: OP.copy, WG } }, u, [spare, spare, spare, dst.data, src.data], g);
}

export interface CopyRowsOptions {
  srcRow?: number; // first row of src (default 0)
  dstRow?: number; // first row of dst (default 0)
  rows?: number; // rows to copy (default: all of src from srcRow)
}

/** Copies rows of src (Ms, D) into dst (Md, D) (distinct buffers). */
export function copyRows(b: Batch, src: Tensor, dst: Tensor, opts: CopyRowsOptions = {}): void {
  const s = rowsOf('copyRows', 'src', src);
  const d = rowsOf('copyRows', 'dst', dst);
  if (s.cols !== d.cols) throw new RangeError(`copyRows: src rows of ${s.cols}, dst rows of ${d.cols}`);
  const { srcRow = 0, dstRow = 0 } = opts;
  const rows = opts.rows ?? s.rows - srcRow;
  for (const v of [srcRow, dstRow, rows]) if (!Number.isInteger(v) || v < 0) throw new RangeError(`copyRows: bad row range ${v}`);
  if (srcRow + rows > s.rows || dstRow + rows > d.rows)
    throw new RangeError(`copyRows: rows ${srcRow}+${rows} of ${s.rows} into ${dstRow}+${rows} of ${d.rows}`);
  copyRange(b, src, dst, srcRow * s.cols, dstRow * d.cols, rows * s.cols);
}

/** Writes one row (D) or (1, D) into rows [start, start + count) of dst (M, D), e.g. Z-Image's pad tokens. */
export function fillRows(b: Batch, dst: Tensor, row: Tensor, start: number, count: number): void {
  const d = rowsOf('fillRows', 'dst', dst);
  checkF32('fillRows', 'row', row);
  if (row.numel !== d.cols) throw new RangeError(`fillRows: row [${row.shape}] for rows of ${d.cols}`);
  if (!Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 0 || start + count > d.rows)
    throw new RangeError(`fillRows: rows ${start}+${count} of ${d.rows}`);
  copyRange(b, row, dst, 0, start * d.cols, count * d.cols, d.cols);
}

/** Rows stacked: parts (Mi, D) -> (sum Mi, D). */
export function concatRows(b: Batch, parts: Tensor[], opts: { out?: Tensor } = {}): Tensor {
  if (parts.length === 0) throw new RangeError('concatRows: no parts');
  const dims = parts.map((t, i) => rowsOf('concatRows', `parts[${i}]`, t));
  const cols = dims[0].cols;
  if (dims.some((d) => d.cols !== cols)) throw new RangeError(`concatRows: row widths ${dims.map((d) => d.cols)} differ`);
  const total = dims.reduce((s, d) => s + d.rows, 0);
  const out = outputFor(b, 'concatRows', [total, cols], opts.out);
  let row = 0;
  for (let i = 0; i < parts.length; i++) {
    copyRange(b, parts[i], out, 0, row * cols, dims[i].rows * cols);
    row += dims[i].rows;
  }
  return out;
}

/** x (M, D) -> rows [start, start + count) as (count, D). */
export function sliceRows(b: Batch, x: Tensor, start: number, count: number, opts: { out?: Tensor } = {}): Tensor {
  const { rows, cols } = rowsOf('sliceRows', 'x', x);
  if (!Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 1 || start + count > rows)
    throw new RangeError(`sliceRows: rows ${start}+${count} of ${rows}`);
  const out = outputFor(b, 'sliceRows', [count, cols], opts.out);
  copyRange(b, x, out, start * cols, 0, count * cols);
  return out;
}

/** x (R, C) -> (C, R), e.g. between the VAE's (C, H*W) and the attention's (H*W, C). */
export function transpose2d(b: Batch, x: Tensor, opts: { out?: Tensor } = {}): Tensor {
  checkF32('transpose2d', 'x', x);
  if (x.shape.length !== 2) throw new RangeError(`transpose2d: x must be (R, C), got [${x.shape}]`);
  const [R, C] = x.shape;
  const out = outputFor(b, 'transpose2d', [C, R], opts.out);
  checkNoAlias('transpose2d', out, 'out', { x });
  const tiles = Math.ceil(R / TILE) * Math.ceil(C / TILE);
  const u = params().u32(0).u32(C).u32(0).u32(0).u32(0).u32(0).u32(0).u32(0).u32(1).u32(0).f32(1).u32(R).f32(0).build();
  const g = grid(tiles, b.gpu.limits.maxComputeWorkgroupsPerDimension);
  b.dispatch({ shader: elementwiseShader, entryPoint: 'transpose', constants: { TILE } }, u, [x.data, out.data], g);
  return out;
}
