// The one comparison used by every kernel and model test: |got - want| <= atol + rtol * |want|.

export interface CompareResult {
  ok: boolean;
  maxAbsErr: number;
  maxErrIndex: number;
  /** max|got - want| / max(1, max|want|): the golden runner's measure. */
  relToMax: number;
  mismatches: { index: number; got: number; want: number }[];
  count: number;
}

export function compareArrays(got: ArrayLike<number>, want: ArrayLike<number>, atol: number, rtol = 0): CompareResult {
  if (got.length !== want.length) {
    return { ok: false, maxAbsErr: Infinity, maxErrIndex: -1, relToMax: Infinity, mismatches: [], count: -1 };
  }
  let maxAbsErr = 0;
  let maxErrIndex = -1;
  let maxRef = 0;
  let count = 0;
  const mismatches: CompareResult['mismatches'] = [];
  for (let i = 0; i < want.length; i++) {
    const g = got[i];
    const w = want[i];
    const err = Math.abs(g - w);
    if (Math.abs(w) > maxRef) maxRef = Math.abs(w);
    const bad = !(err <= atol + rtol * Math.abs(w)); // NaN counts as bad
    if (bad) {
      count++;
      if (mismatches.length < 8) mismatches.push({ index: i, got: g, want: w });
    }
    if (!(err <= maxAbsErr)) {
      maxAbsErr = Number.isNaN(err) ? Infinity : err;
      maxErrIndex = i;
    }
  }
  return { ok: count === 0, maxAbsErr, maxErrIndex, relToMax: maxAbsErr / Math.max(1, maxRef), mismatches, count };
}

export function describeCompare(label: string, r: CompareResult): string {
  if (r.count === -1) return `${label}: length mismatch`;
  const head = `${label}: max_abs_err=${r.maxAbsErr.toExponential(3)} at [${r.maxErrIndex}], ${r.count} mismatches`;
  const list = r.mismatches.map((m) => `[${m.index}] got ${m.got} want ${m.want}`).join('; ');
  return r.ok ? head : `${head}: ${list}`;
}
