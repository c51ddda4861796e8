// RMSNorm over the rows of x with optional weight and fused (1 + scale) modulation. Bindings and dispatch:
// shaders/rms_norm.wgsl; checks and the dispatch shared with layerNorm: rowNorm.ts. Per-head QK-norm is the
// same call on a (M*H, hd) view of q or k, e.g. in place:
//   rmsNorm(b, q /* (L, H, hd) */, { weight: normQ, eps: 1e-5, out: q }).
import code from '../../../shaders/rms_norm.wgsl?raw';
import { part } from '../compose.ts';
import type { Batch } from '../gpu.ts';
import type { Tensor } from '../tensor.ts';
import { checkF32, rowsOf } from './common.ts';
import { rowNorm, type RowNormOptions } from './rowNorm.ts';

export const RMS_NORM = part('rms_norm', code);

export interface RmsNormOptions extends RowNormOptions {
  /** (D) per-column weight. */
  weight?: Tensor;
}

/** x (..., D) -> (..., D), rows = every leading index. */
export function rmsNorm(b: Batch, x: Tensor, opts: RmsNormOptions): Tensor {
  const op = 'rmsNorm';
  if (opts.weight) {
    checkF32(op, 'weight', opts.weight);
    const { cols } = rowsOf(op, 'x', x);
    if (opts.weight.numel !== cols) throw new RangeError(`${op}: weight [${opts.weight.shape}] for rows of ${cols}`);
  }
  return rowNorm(b, op, { part: RMS_NORM, flags: { HAS_WEIGHT: opts.weight ? 1 : 0 } }, x, opts, { weight: opts.weight });
}
