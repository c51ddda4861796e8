// CPU reference for shaders/rms_norm.wgsl: statistics in f64 (the exact answer the GPU's f32 tree sum approximates).
export interface RowModRef {
  /** (G, stride) flattened. */
  scale: Float32Array;
  stride: number; // elements between group rows
  offset?: number; // elements
  /** Group of each row (default 0). */
  rowSel?: Uint32Array;
}

export function modRow(mod: RowModRef, row: number): number {
  const groups = mod.scale.length / mod.stride;
  const g = Math.min(mod.rowSel ? mod.rowSel[row] : 0, groups - 1);
  return g * mod.stride + (mod.offset ?? 0);
}

/** x (rows, cols) -> x / sqrt(mean(x^2) + eps) * weight * (1 + scale[g(row)]). */
export function rmsNormRef(x: Float32Array, cols: number, eps: number, weight?: Float32Array, mod?: RowModRef): Float32Array {
  const rows = x.length / cols;
  const out = new Float32Array(x.length);
  for (let m = 0; m < rows; m++) {
    let ss = 0;
    for (let c = 0; c < cols; c++) ss += x[m * cols + c] ** 2;
    const r = 1 / Math.sqrt(ss / cols + eps);
    const s0 = mod ? modRow(mod, m) : 0;
    for (let c = 0; c < cols; c++) {
      let v = x[m * cols + c] * r;
      if (weight) v *= weight[c];
      if (mod) v *= 1 + mod.scale[s0 + c];
      out[m * cols + c] = v;
    }
  }
  return out;
}
