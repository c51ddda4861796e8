// Timestamp arithmetic of timed batches (src/engine/timestamps.ts): pass pairs summed in ns, odd stamps counted
// as 0 and reported, unwritten passes turning the whole batch into "no GPU time".
import { describe, expect, it } from 'vitest';
import { gpuTimeFromStamps, nsToMs } from '../../src/engine/timestamps.ts';

const stamps = (...v: (number | bigint)[]) => BigUint64Array.from(v.map(BigInt));

describe('timestamps', () => {
  it('converts ns to ms', () => {
    expect(nsToMs(0n)).toBe(0);
    expect(nsToMs(1_500_000n)).toBe(1.5);
    expect(nsToMs(1n)).toBe(1e-6);
  });

  it('sums the spans of every pass, not the gaps between them', () => {
    // pass 0: 100..350, a copy, pass 1: 1000..1100 -> 350 ns of compute, not the 1000 ns span
    expect(gpuTimeFromStamps(stamps(100, 350, 1000, 1100), 2)).toEqual({ ms: 350e-6, passes: 2, flat: 0, backwards: 0 });
  });

  it('keeps ns precision on epoch-sized stamps past 2^53', () => {
    const t0 = 1_700_000_000_000_000_000n; // ns since 1970
    const got = gpuTimeFromStamps(stamps(t0, t0 + 3n, t0 + 10n, t0 + 17n), 2);
    expect(got?.ms).toBe(10e-6);
  });

  it('counts a pass quantized to end == begin as 0 and reports it', () => {
    expect(gpuTimeFromStamps(stamps(100_000, 100_000, 100_000, 300_000), 2)).toEqual({ ms: 0.2, passes: 2, flat: 1, backwards: 0 });
  });

  it('counts a backwards pass as 0, never negative or wrapped, and reports it', () => {
    expect(gpuTimeFromStamps(stamps(500, 200, 1000, 2000), 2)).toEqual({ ms: 1000e-6, passes: 2, flat: 0, backwards: 1 });
  });

  it('gives no time (null) when a pass was never written', () => {
    expect(gpuTimeFromStamps(stamps(100, 200, 0, 0), 2)).toBeNull();
    expect(gpuTimeFromStamps(stamps(0, 200), 1)).toEqual({ ms: 200e-6, passes: 1, flat: 0, backwards: 0 }); // a clock at 0 is fine
  });

  it('reads only the passes asked for, and rejects too few stamps', () => {
    expect(gpuTimeFromStamps(stamps(0, 10, 0, 0), 1)?.ms).toBe(10e-6);
    expect(() => gpuTimeFromStamps(stamps(1, 2), 2)).toThrow(RangeError);
  });
});
