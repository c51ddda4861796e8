// LayerNorm without affine over the rows of x, with optional fused (1 + scale) modulation (Z-Image FinalLayer:
// LayerNorm(eps 1e-6, no affine) * (1 + scale)). Bindings and dispatch: shaders/layer_norm.wgsl; checks and the
// dispatch shared with rmsNorm: rowNorm.ts.
import code from '../../../shaders/layer_norm.wgsl?raw';
import { part } from '../compose.ts';
import type { Batch } from '../gpu.ts';
import type { Tensor } from '../tensor.ts';
import { rowNorm, type RowNormOptions } from './rowNorm.ts';

export const LAYER_NORM = part('layer_norm', code);

export type LayerNormOptions = RowNormOptions;

/** x (..., D) -> (..., D), rows = every leading index. */
export function layerNorm(b: Batch, x: Tensor, opts: LayerNormOptions): Tensor {
  return rowNorm(b, 'layerNorm', { part: LAYER_NORM }, x, opts);
}
