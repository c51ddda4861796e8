// RMSNorm over the rows of x with optional weight and fused (1 + scale) modulation. Bindings and dispatch:
// shaders/rms_norm.wgsl. Per-head QK-norm is the same call on a (M*H, hd) view of q or k, e.g. in place:
//   rmsNorm(b, q /* (L, H, hd) */, { weight: normQ, eps: 1e-5, out: q }).
import code from '../../../shaders/rms_norm.wgsl?raw';
import { type Batch, grid } from '../gpu.ts';
import { params } from '../params.ts';
import type { Tensor } from '../tensor.ts';
import { type Reduction, reductionFor, withBlockSum } from './blockSum.ts';
import { checkF32, checkMod, checkNoAlias, checkRowSel, outputFor, placeholder, rowsOf, sameBuffer } from './common.ts';

export interface RmsNormOptions {
  /** (D) per-column weight. */
  weight?: Tensor;
  eps: number;
  /** (G, S) or (S): multiplies row m by (1 + scale[g(m), scaleOffset + d]). */
  scale?: Tensor;
  /** Elements into each row of `scale` where the D columns start (default 0), e.g. a chunk of an adaLN output. */
  scaleOffset?: number;
  /** f32 (M) of integer groups g(m) (default: every row uses group 0). Needs `scale`. */
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

/** x (..., D) -> (..., D), rows = every leading index. */
export function rmsNorm(b: Batch, x: Tensor, opts: RmsNormOptions): Tensor {
  const op = 'rmsNorm';
  const { rows, cols } = rowsOf(op, 'x', x);
  if (!(opts.eps >= 0)) throw new RangeError(`${op}: eps must be >= 0, got ${opts.eps}`);
  if (opts.weight) {
    checkF32(op, 'weight', opts.weight);
    if (opts.weight.numel !== cols) throw new RangeError(`${op}: weight [${opts.weight.shape}] for rows of ${cols}`);
  }
  const mod = opts.scale ? checkMod(op, 'scale', opts.scale, cols, opts.scaleOffset ?? 0) : { groups: 1, stride: 0, offset: 0 };
  if (opts.rowSel) {
    if (!opts.scale) throw new RangeError(`${op}: rowSel without scale`);
    checkRowSel(op, opts.rowSel, rows);
  }
  const out = outputFor(b, op, x.shape, opts.out);
  const inPlace = sameBuffer(out, x);
  // x is bound writable (for the in-place variant), so no read-only input may share its buffer, nor out's.
  checkNoAlias(op, x, 'x', { weight: opts.weight, scale: opts.scale, rowSel: opts.rowSel });
  if (!inPlace) checkNoAlias(op, out, 'out', { weight: opts.weight, scale: opts.scale, rowSel: opts.rowSel });

  const WG = normWorkgroup(cols);
  const spare = placeholder(b.gpu);
  const spareOut = placeholder(b.gpu, 'write');
  const u = params().u32(rows).u32(cols).f32(opts.eps).u32(mod.stride).u32(mod.offset).u32(mod.groups).build();
  const constants = { WG, HAS_WEIGHT: opts.weight ? 1 : 0, HAS_SCALE: opts.scale ? 1 : 0, HAS_SEL: opts.rowSel ? 1 : 0, IN_PLACE: inPlace ? 1 : 0 };
  b.dispatch(
    { ...withBlockSum('rms_norm', code, reductionFor(b.gpu, opts.reduction)), constants },
    u,
    [x.data, inPlace ? spareOut : out.data, opts.weight?.data ?? spare, opts.scale?.data ?? spare, opts.rowSel?.data ?? spare],
    grid(rows, b.gpu.limits.maxComputeWorkgroupsPerDimension),
  );
  return out;
}
