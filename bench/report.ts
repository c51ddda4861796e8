// The bench's result format (what `--json FILE` writes) and the readable table. Pure: the page builds a
// BenchResult, tools/bench.ts prints it.

export type ImplName = 'ours' | 'naive' | 'ort';
export const IMPLS: readonly ImplName[] = ['ours', 'naive', 'ort'];

export interface CheckResult {
  ok: boolean;
  /** What the output was compared with: 'cpu' (the CPU reference) or 'ort' (ORT's output, for big shapes). */
  against: 'cpu' | 'ort' | 'none';
  maxAbsErr: number;
  /** max |want| of what it was compared with (0 when unchecked): maxAbsErr / maxAbsRef is the error relative to the peak. */
  maxAbsRef?: number;
  mismatches: number;
}

export interface ImplResult {
  /** Wall clock per execution, submit to onSubmittedWorkDone (median of the samples). */
  medianMs: number;
  minMs: number;
  /** GPU time per execution from timestamp queries (median); null for ORT and without timestamp-query. */
  gpuMedianMs: number | null;
  /** Executions per timed sample (recorded into one submission for ours/naive; sequential runs for ORT). */
  iterations: number;
  samples: number;
  check: CheckResult;
}

export interface CaseResult {
  op: string;
  shape: string;
  /** What ORT ran (e.g. 'MatMulNBits'). */
  ortOp: string | null;
  flops: number | null;
  ours: ImplResult | null;
  naive: ImplResult | null;
  ort: ImplResult | null;
  medianMs: Record<ImplName, number | null>;
  /** GPU time per execution from timestamp queries, where the device has them (ORT cannot be timed this way). */
  gpuMedianMs: { ours: number | null; naive: number | null };
  iterations: Record<ImplName, number | null>;
  ratios: { oursOverNaive: number | null; oursOverOrt: number | null };
  notes: string[];
  /** Set when the case threw (setup, an implementation, or ORT). */
  error: string | null;
}

export interface BenchResult {
  adapter: {
    vendor: string;
    architecture: string;
    device: string;
    description: string;
    isFallbackAdapter: boolean;
    subgroupMinSize: number | null;
    subgroupMaxSize: number | null;
  };
  features: { subgroups: boolean; timestampQuery: boolean; shaderF16: boolean };
  date: string;
  userAgent: string;
  ort: { version: string; device: string };
  options: { quick: boolean; preset: 'default' | 'full'; filter: string[]; ortDevice: string };
  /** What a time means, for each implementation. */
  timing: Record<ImplName, string>;
  /** What the 'gpu ms' columns mean, or why they are empty. */
  gpuTiming: string;
  cases: CaseResult[];
}

export function ratio(a: number | null, b: number | null): number | null {
  return a !== null && b !== null && b > 0 ? a / b : null;
}

/** Cases that failed: threw, or an implementation's output did not match. */
export function failures(r: BenchResult): string[] {
  const out: string[] = [];
  for (const c of r.cases) {
    const name = `${c.op} ${c.shape}`;
    if (c.error) out.push(`${name}: ${c.error}`);
    for (const impl of IMPLS) {
      const check = c[impl]?.check;
      if (check && !check.ok)
        out.push(`${name}: ${impl} output differs from ${check.against} (max abs err ${check.maxAbsErr.toExponential(2)}, ${check.mismatches} mismatches)`);
    }
  }
  return out;
}

const ms = (v: number | null) => (v === null ? '-' : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(3));
const x = (v: number | null) => (v === null ? '-' : `${v.toFixed(2)}x`);

function pad(cells: string[][]): string {
  const widths = cells[0].map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  return cells.map((r) => r.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')).join('\n');
}

/** The stdout table: one row per case, medians in ms, ratios < 1 meaning ours is faster. */
export function formatTable(r: BenchResult): string {
  const a = r.adapter;
  const head = [
    `adapter: ${[a.vendor, a.architecture, a.description].filter(Boolean).join(' / ') || 'unknown'}${a.isFallbackAdapter ? ' (fallback)' : ''}`,
    `features: subgroups=${r.features.subgroups} timestamp-query=${r.features.timestampQuery} shader-f16=${r.features.shaderF16}`,
    `subgroup size: ${a.subgroupMinSize ?? '?'}..${a.subgroupMaxSize ?? '?'}`,
    `onnxruntime-web ${r.ort.version} (WebGPU EP) on ${r.ort.device}`,
    `${r.date}; preset=${r.options.preset}${r.options.quick ? ' quick' : ''}`,
    '',
  ];
  const rows = [['op', 'shape', 'ours ms', 'naive ms', 'ort ms', 'ours/naive', 'ours/ort', 'ours gpu ms', 'naive gpu ms', 'GFLOP/s ours', 'check']];
  for (const c of r.cases) {
    const gf = c.flops && c.medianMs.ours ? (c.flops / c.medianMs.ours / 1e6).toFixed(2) : '-';
    const checks = IMPLS.filter((i) => c[i]).map((i) => `${i}:${c[i]!.check.ok ? 'ok' : 'FAIL'}`);
    rows.push([
      c.op,
      c.shape,
      ms(c.medianMs.ours),
      ms(c.medianMs.naive),
      ms(c.medianMs.ort),
      x(c.ratios.oursOverNaive),
      x(c.ratios.oursOverOrt),
      ms(c.gpuMedianMs.ours),
      ms(c.gpuMedianMs.naive),
      gf,
      c.error ? 'ERROR' : checks.join(' ') || '-',
    ]);
  }
  const notes = r.cases.flatMap((c) => [...c.notes, ...(c.error ? [`ERROR ${c.error}`] : [])].map((n) => `  ${c.op} ${c.shape}: ${n}`));
  const legend = [
    '',
    'Medians of per-execution wall time (ms). ours/x < 1: ours is faster.',
    ...IMPLS.map((i) => `  ${i}: ${r.timing[i]}`),
    `gpu ms: ${r.gpuTiming}`,
  ];
  return [...head, pad(rows), ...legend, ...(notes.length ? ['', 'notes:', ...notes] : [])].join('\n');
}
