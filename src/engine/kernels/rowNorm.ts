// What rms_norm and layer_norm share: the options of a modulated row normalization, their checks, the output (or
// in place), the uniform block and the dispatch (one workgroup per row, block_sum per device), and in WGSL
// shaders/row_norm_io.wgsl (a part of each shader: rowNormShader). A kernel's own inputs (rmsNorm: the weight)
// bind after sel.
import io from '../../../shaders/row_norm_io.wgsl?raw';
import { type Batch, grid } from '../gpu.ts';
import { params } from '../params.ts';
import type { Tensor } from '../tensor.ts';
import { part, type Shader, shader, type ShaderPart } from '../compose.ts';
import { blockSumPart, type Reduction, reductionFor } from './blockSum.ts';
import { checkMod, checkNoAlias, checkRowSel, outputFor, placeholder, rowsOf, sameBuffer } from './common.ts';

export interface RowNormOptions {
  eps: number;
  /** (G, S) or (S): multiplies row m by (1 + scale[g(m), scaleOffset + d]). */
  scale?: Tensor;
  /** Elements into each row of `scale` where the D columns start (default 0), e.g. a chunk of an adaLN output. */
  scaleOffset?: number;
  /** u32 (M) of groups g(m) (default: every row uses group 0). Needs `scale`. */
  rowSel?: Tensor;
  /** Result tensor of M*D elements; `out` = x (same buffer) normalizes in place. */
  out?: Tensor;
  /** Forces the workgroup sum (tests, bench); default: reductionFor(gpu), see blockSum.ts. */
  reduction?: Reduction;
}

/**
 * Threads per row. 64 threads give each ~60 elements of a 3840-wide row and a 6-level tree reduction; 256 threads
 * cost two more barrier levels for no more bandwidth (`npm run bench`, rms_norm 256x3840: 45 ms with 256 threads,
 * 17 ms with 64, ORT 18 ms, on SwiftShader, plain block_sum). Very long rows get 128. The subgroup block_sum keeps
 * the order (SwiftShader, same run: 64 threads 26 ms, 128 threads 38 ms, 256 threads 84 ms).
 */
export function normWorkgroup(cols: number): number {
  return cols >= 8192 ? 128 : 64;
}

const IO = part('row_norm_io', io);

/** A row normalization's shader: block_sum for `reduction`, row_norm_io.wgsl, then the kernel's own file. */
export function rowNormShader(kernel: ShaderPart, reduction: Reduction): Shader {
  return shader(kernel.name, { reduction }, () => [blockSumPart(reduction), IO, kernel]);
}

/**
 * Checks x (..., D), the options and the kernel's extra inputs, then records `kernel` over the rows of x:
 * bindings x, y, scale, rowSel, then the extra inputs in order (a placeholder where absent). Returns the output.
 */
export function rowNorm(
  b: Batch,
  op: string,
  kernel: { part: ShaderPart; flags?: Record<string, number> },
  x: Tensor,
  opts: RowNormOptions,
  extra: Record<string, Tensor | undefined> = {},
): Tensor {
  const { rows, cols } = rowsOf(op, 'x', x);
  if (!(opts.eps >= 0)) throw new RangeError(`${op}: eps must be >= 0, got ${opts.eps}`);
  const mod = opts.scale ? checkMod(op, 'scale', opts.scale, cols, opts.scaleOffset ?? 0) : { groups: 1, stride: 0, offset: 0 };
  if (opts.rowSel) {
    if (!opts.scale) throw new RangeError(`${op}: rowSel without scale`);
    checkRowSel(op, opts.rowSel, rows);
  }
  const out = outputFor(b, op, x.shape, opts.out);
  const inPlace = sameBuffer(out, x);
  // x is bound writable (for the in-place variant), so no read-only input may share its buffer, nor out's.
  const readOnly = { ...extra, scale: opts.scale, rowSel: opts.rowSel };
  checkNoAlias(op, x, 'x', readOnly);
  if (!inPlace) checkNoAlias(op, out, 'out', readOnly);

  const spare = placeholder(b.gpu);
  const u = params().u32(rows).u32(cols).f32(opts.eps).u32(mod.stride).u32(mod.offset).u32(mod.groups).build();
  const constants = { ...kernel.flags, WG: normWorkgroup(cols), HAS_SCALE: opts.scale ? 1 : 0, HAS_SEL: opts.rowSel ? 1 : 0, IN_PLACE: inPlace ? 1 : 0 };
  b.dispatch(
    { shader: rowNormShader(kernel.part, reductionFor(b.gpu, opts.reduction)), constants },
    u,
    [x.data, inPlace ? placeholder(b.gpu, 'write') : out.data, opts.scale?.data ?? spare, opts.rowSel?.data ?? spare, ...Object.values(extra).map((t) => t?.data ?? spare)],
    grid(rows, b.gpu.limits.maxComputeWorkgroupsPerDimension),
  );
  return out;
}
