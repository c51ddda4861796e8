import { describe, expect, it } from 'vitest';
import { formatDuration, formatMs } from '../../src/store/format.ts';

describe('formatMs: short GPU times in a unit that shows them', () => {
  it('picks µs, ms, s, then a duration', () => {
    expect(formatMs(0.85)).toBe('850 µs');
    expect(formatMs(42.46)).toBe('42.5 ms');
    expect(formatMs(850.4)).toBe('850 ms');
    expect(formatMs(1234)).toBe('1.23 s');
    expect(formatMs(125_000)).toBe(formatDuration(125_000));
    expect(formatMs(Number.NaN)).toBe('—');
    expect(formatMs(-1)).toBe('—');
  });
});
