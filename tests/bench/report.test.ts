// The bench's report: failures are found (errors and wrong outputs), ratios are right, the table names the adapter.
import { describe, expect, it } from 'vitest';
import { type BenchResult, type CaseResult, failures, formatTable, ratio } from '../../bench/report.ts';

const impl = (medianMs: number, ok = true, gpuMedianMs: number | null = null) => ({
  medianMs,
  minMs: medianMs,
  gpuMedianMs,
  iterations: 4,
  samples: 7,
  check: { ok, against: 'cpu' as const, maxAbsErr: ok ? 0 : 0.5, mismatches: ok ? 0 : 3 },
});

function result(cases: CaseResult[]): BenchResult {
  return {
    adapter: { vendor: 'google', architecture: 'swiftshader', device: '', description: '', isFallbackAdapter: true, subgroupMinSize: 4, subgroupMaxSize: 4 },
    features: { subgroups: true, timestampQuery: true, shaderF16: false },
    date: '2026-01-01T00:00:00.000Z',
    userAgent: 'test',
    ort: { version: '1.30.0', device: 'our device' },
    options: { quick: true, preset: 'default', filter: [], ortDevice: 'auto' },
    timing: { ours: 'a', naive: 'b', ort: 'c' },
    gpuTiming: 'timestamp queries',
    cases,
  };
}

function caseResult(over: Partial<CaseResult>): CaseResult {
  return {
    op: 'matmul_q4',
    shape: 'M=64 K=256 N=256',
    ortOp: 'MatMulNBits',
    flops: 2 * 64 * 256 * 256,
    ours: impl(2),
    naive: impl(8),
    ort: impl(4),
    medianMs: { ours: 2, naive: 8, ort: 4 },
    gpuMedianMs: { ours: null, naive: null },
    iterations: { ours: 4, naive: 4, ort: 4 },
    ratios: { oursOverNaive: ratio(2, 8), oursOverOrt: ratio(2, 4) },
    notes: [],
    error: null,
    ...over,
  };
}

describe('bench report', () => {
  it('computes ratios only when both sides were timed', () => {
    expect(ratio(2, 8)).toBe(0.25);
    expect(ratio(null, 8)).toBeNull();
    expect(ratio(2, null)).toBeNull();
  });

  it('passes a clean run and prints the adapter, medians and ratios', () => {
    const r = result([caseResult({})]);
    expect(failures(r)).toEqual([]);
    const table = formatTable(r);
    expect(table).toContain('adapter: google / swiftshader (fallback)');
    expect(table).toMatch(/matmul_q4\s+M=64 K=256 N=256\s+2\.000\s+8\.000\s+4\.000\s+0\.25x\s+0\.50x/);
  });

  it('shows GPU times beside the wall times, and a dash where there are none', () => {
    const timed = caseResult({ ours: impl(2, true, 1.5), naive: impl(8, true, 7.25), gpuMedianMs: { ours: 1.5, naive: 7.25 } });
    const table = formatTable(result([timed, caseResult({ op: 'attention' })]));
    expect(table).toMatch(/ours ms\s+naive ms\s+ort ms\s+ours\/naive\s+ours\/ort\s+ours gpu ms\s+naive gpu ms/);
    expect(table).toMatch(/matmul_q4\s+M=64 K=256 N=256\s+2\.000\s+8\.000\s+4\.000\s+0\.25x\s+0\.50x\s+1\.500\s+7\.250/);
    expect(table).toMatch(/attention\s+M=64 K=256 N=256\s+2\.000\s+8\.000\s+4\.000\s+0\.25x\s+0\.50x\s+-\s+-/);
    expect(table).toContain('gpu ms: timestamp queries');
  });

  it('fails on a wrong output and on a case that threw', () => {
    const r = result([caseResult({ ort: impl(4, false) }), caseResult({ op: 'attention', error: 'ort session: boom' })]);
    const f = failures(r);
    expect(f).toHaveLength(2);
    expect(f[0]).toMatch(/ort output differs from cpu/);
    expect(f[1]).toMatch(/attention .*boom/);
    expect(formatTable(r)).toContain('ERROR');
  });
});
