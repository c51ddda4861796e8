// Helpers shared by the row-wise and elementwise kernels: shape checks, output allocation, the placeholder bound
// where a variant does not read an optional input, and per-row modulation tensors picked by a row selector.
import type { Batch, Gpu } from '../gpu.ts';
import { STORAGE_USAGE } from '../pool.ts';
import { numel, type Tensor } from '../tensor.ts';

const placeholders = new WeakMap<Gpu, { read: GPUBuffer; write: GPUBuffer }>();

/**
 * A 16-byte storage buffer for inputs or outputs a variant never touches. Layout 'auto' keeps every binding that the
 * entry point names in its code, whatever the override constants, so something must be bound there. Two buffers:
 * one buffer bound both read-only and writable in one dispatch is a validation error.
 */
export function placeholder(gpu: Gpu, access: 'read' | 'write' = 'read'): GPUBuffer {
  let p = placeholders.get(gpu);
  if (!p) {
    const make = (label: string) => gpu.device.createBuffer({ size: 16, usage: STORAGE_USAGE, label });
    p = { read: make('placeholder-read'), write: make('placeholder-write') };
    placeholders.set(gpu, p);
  }
  return p[access];
}

/** Throws unless no named input shares a buffer with a tensor the dispatch writes. */
export function checkNoAlias(op: string, written: Tensor, writtenName: string, inputs: Record<string, Tensor | undefined>): void {
  for (const [name, t] of Object.entries(inputs))
    if (t && t.data === written.data) throw new RangeError(`${op}: ${name} must not share a buffer with ${writtenName}`);
}

export function checkF32(op: string, name: string, t: Tensor): void {
  if (t.dtype !== 'f32') throw new RangeError(`${op}: ${name} must be f32, got ${t.dtype}`);
}

/** (rows, cols) of a tensor read as rows of its last dimension. */
export function rowsOf(op: string, name: string, t: Tensor): { rows: number; cols: number } {
  checkF32(op, name, t);
  if (t.shape.length === 0) throw new RangeError(`${op}: ${name} must have at least one dimension`);
  const cols = t.shape[t.shape.length - 1];
  if (cols <= 0 || t.numel === 0) throw new RangeError(`${op}: ${name} is empty [${t.shape}]`);
  return { rows: t.numel / cols, cols };
}

/** `out` checked against the result shape (any shape of the same size), or a new pooled tensor. */
export function outputFor(b: Batch, op: string, shape: readonly number[], out: Tensor | undefined): Tensor {
  if (!out) return b.gpu.empty(shape, 'f32', op);
  checkF32(op, 'out', out);
  if (out.numel !== numel(shape)) throw new RangeError(`${op}: out [${out.shape}] does not hold the result [${shape}]`);
  return out;
}

export function sameBuffer(a: Tensor, c: Tensor): boolean {
  return a.data === c.data;
}

/** A modulation tensor (G, S) or (S) read for rows of width `cols` at column `offset` of its rows. */
export interface RowMod {
  groups: number; // G
  stride: number; // S, elements between group rows
  offset: number; // elements
}

export function checkMod(op: string, name: string, t: Tensor, cols: number, offset = 0): RowMod {
  checkF32(op, name, t);
  if (t.shape.length < 1 || t.shape.length > 2) throw new RangeError(`${op}: ${name} must be (G, S) or (S), got [${t.shape}]`);
  const stride = t.shape[t.shape.length - 1];
  const groups = t.shape.length === 2 ? t.shape[0] : 1;
  if (!Number.isInteger(offset) || offset < 0 || offset + cols > stride)
    throw new RangeError(`${op}: ${name} [${t.shape}] has no ${cols} columns at offset ${offset}`);
  if (groups < 1) throw new RangeError(`${op}: ${name} has no rows`);
  return { groups, stride, offset };
}

/** A row selector: a u32 tensor (M) holding the group g(m) of each row. Groups past G-1 read group G-1. */
export function checkRowSel(op: string, sel: Tensor, rows: number): void {
  if (sel.dtype !== 'u32') throw new RangeError(`${op}: rowSel must be u32, got ${sel.dtype}`);
  if (sel.numel !== rows) throw new RangeError(`${op}: rowSel has ${sel.numel} entries for ${rows} rows`);
}
