// CPU references for shaders/elementwise.wgsl (f64 arithmetic, stored as f32).
const map = (n: number, f: (i: number) => number) => Float32Array.from({ length: n }, (_, i) => f(i));

export const addRef = (a: Float32Array, c: Float32Array) => map(a.length, (i) => a[i] + c[i]);
export const mulRef = (a: Float32Array, c: Float32Array) => map(a.length, (i) => a[i] * c[i]);
export const addRowRef = (x: Float32Array, v: Float32Array) => map(x.length, (i) => x[i] + v[i % v.length]);
/** The factor is rounded to f32 first, as in the uniform block. */
export const scaleRef = (a: Float32Array, s: number) => map(a.length, (i) => a[i] * Math.fround(s));
/** a * s + t with both factors rounded to f32, as in the uniform block. */
export const affineRef = (a: Float32Array, s: number, t: number) => map(a.length, (i) => a[i] * Math.fround(s) + Math.fround(t));

function siluOf(v: number): number {
  return v / (1 + Math.exp(-v));
}
export const siluRef = (a: Float32Array) => map(a.length, (i) => siluOf(a[i]));
export const siluMulRef = (a: Float32Array, c: Float32Array) => map(a.length, (i) => siluOf(a[i]) * c[i]);

/** x (M, D) + tanh(gate[g(m)*stride + offset + d]) * y. */
export function gatedResidualRef(
  x: Float32Array,
  y: Float32Array,
  gate: Float32Array,
  cols: number,
  stride = cols,
  offset = 0,
  rowSel?: Uint32Array, // (M) group of each row
): Float32Array {
  const groups = gate.length / stride;
  return map(x.length, (i) => {
    const m = Math.floor(i / cols);
    const g = Math.min(rowSel ? rowSel[m] : 0, groups - 1);
    return x[i] + Math.tanh(gate[g * stride + offset + (i % cols)]) * y[i];
  });
}

/** mask (H*W) broadcast over channels: mask * a + (1 - mask) * known. */
export function maskedBlendRef(a: Float32Array, known: Float32Array, mask: Float32Array): Float32Array {
  return map(a.length, (i) => {
    const m = mask[i % mask.length];
    return m * a[i] + (1 - m) * known[i];
  });
}

export function concatRowsRef(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export const sliceRowsRef = (x: Float32Array, cols: number, start: number, count: number) =>
  x.slice(start * cols, (start + count) * cols);

/** x (R, C) -> (C, R). */
export function transpose2dRef(x: Float32Array, R: number, C: number): Float32Array {
  const out = new Float32Array(R * C);
  for (let r = 0; r < R; r++) for (let c = 0; c < C; c++) out[c * R + r] = x[r * C + c];
  return out;
}
