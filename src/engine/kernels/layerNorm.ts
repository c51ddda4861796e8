// LayerNorm without affine over the rows of x, with optional fused (1 + scale) modulation (Z-Image FinalLayer:
// LayerNorm(eps 1e-6, no affine) * (1 + scale)). Bindings and dispatch: shaders/layer_norm.wgsl.
import code from '../../../shaders/layer_norm.wgsl?raw';
import { type Batch, grid } from '../gpu.ts';
import { params } from '../params.ts';
import type { Tensor } from '../tensor.ts';
import { type Reduction, reductionFor, withBlockSum } from './blockSum.ts';
import { checkMod, checkNoAlias, checkRowSel, outputFor, placeholder, rowsOf, sameBuffer } from './common.ts';
import { normWorkgroup } from './rmsNorm.ts';

export interface LayerNormOptions {
  eps: number;
  /** (G, S) or (S): multiplies row m by (1 + scale[g(m), scaleOffset + d]). */
  scale?: Tensor;
  /** Elements into each row of `scale` where the D columns start (default 0). */
  scaleOffset?: number;
  /** f32 (M) of integer groups g(m) (default: every row uses group 0). Needs `scale`. */
  rowSel?: Tensor;
  /** Result tensor of M*D elements; `out` = x (same buffer) normalizes in place. */
  out?: Tensor;
  /** Forces the workgroup sum (tests, bench); default: reductionFor(gpu), see blockSum.ts. */
  reduction?: Reduction;
}

/** x (..., D) -> (..., D), rows = every leading index. */
export function layerNorm(b: Batch, x: Tensor, opts: LayerNormOptions): Tensor {
  const op = 'layerNorm';
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
  checkNoAlias(op, x, 'x', { scale: opts.scale, rowSel: opts.rowSel });
  if (!inPlace) checkNoAlias(op, out, 'out', { scale: opts.scale, rowSel: opts.rowSel });

  const spare = placeholder(b.gpu);
  const spareOut = placeholder(b.gpu, 'write');
  const u = params().u32(rows).u32(cols).f32(opts.eps).u32(mod.stride).u32(mod.offset).u32(mod.groups).build();
  const constants = { WG: normWorkgroup(cols), HAS_SCALE: opts.scale ? 1 : 0, HAS_SEL: opts.rowSel ? 1 : 0, IN_PLACE: inPlace ? 1 : 0 };
  b.dispatch(
    { ...withBlockSum('layer_norm', code, reductionFor(b.gpu, opts.reduction)), constants },
    u,
    [x.data, inPlace ? spareOut : out.data, opts.scale?.data ?? spare, opts.rowSel?.data ?? spare],
    grid(rows, b.gpu.limits.maxComputeWorkgroupsPerDimension),
  );
  return out;
}
