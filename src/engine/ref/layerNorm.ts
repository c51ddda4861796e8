// CPU reference for shaders/layer_norm.wgsl: mean and biased variance in f64.
import { modRow, type RowModRef } from './rmsNorm.ts';

/** x (rows, cols) -> (x - mean) / sqrt(var + eps) * (1 + scale[g(row)]). */
export function layerNormRef(x: Float32Array, cols: number, eps: number, mod?: RowModRef): Float32Array {
  const rows = x.length / cols;
  const out = new Float32Array(x.length);
  for (let m = 0; m < rows; m++) {
    let sum = 0;
    for (let c = 0; c < cols; c++) sum += x[m * cols + c];
    const mean = sum / cols;
    let dev = 0;
    for (let c = 0; c < cols; c++) dev += (x[m * cols + c] - mean) ** 2;
    const r = 1 / Math.sqrt(dev / cols + eps);
    const s0 = mod ? modRow(mod, m) : 0;
    for (let c = 0; c < cols; c++) {
      let v = (x[m * cols + c] - mean) * r;
      if (mod) v *= 1 + mod.scale[s0 + c];
      out[m * cols + c] = v;
    }
  }
  return out;
}
