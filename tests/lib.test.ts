import { describe, expect, it } from 'vitest';
import { compareArrays } from '../src/lib/compare.ts';
import { bf16BitsToF32, f16BitsToF32, f32ToF16Bits, roundToF16 } from '../src/lib/f16.ts';
import { foldSeed, Rng } from '../src/lib/rng.ts';
import { toErrorData, StudioError } from '../src/lib/errors.ts';

describe('f16', () => {
  it('round-trips every finite half exactly', () => {
    for (let h = 0; h < 0x10000; h++) {
      const exp = (h >>> 10) & 0x1f;
      if (exp === 0x1f) continue;
      const f = f16BitsToF32(h);
      const back = f32ToF16Bits(f);
      // +0 and -0 are distinct bit patterns and must stay so
      expect(back, `half 0x${h.toString(16)}`).toBe(h);
    }
  });
  it('rounds to nearest even and overflows to infinity', () => {
    expect(f32ToF16Bits(1 + 2 ** -11)).toBe(0x3c00); // tie -> even (down)
    expect(f32ToF16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie -> even (up)
    expect(f32ToF16Bits(65520)).toBe(0x7c00);
    expect(f32ToF16Bits(65519)).toBe(0x7bff);
    expect(roundToF16(2 ** -25)).toBe(0); // tie at the smallest subnormal rounds to even (zero)
    expect(roundToF16(3 * 2 ** -26)).toBe(2 ** -24);
  });
  it('decodes bf16', () => {
    expect(bf16BitsToF32(0x3f80)).toBe(1);
    expect(bf16BitsToF32(0xc000)).toBe(-2);
  });
});

describe('rng', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = new Rng(42).normalArray(64);
    const b = new Rng(42).normalArray(64);
    const c = new Rng(43).normalArray(64);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });
  it('is xoshiro128** (reference outputs for state 1,2,3,4)', () => {
    const r = Rng.fromState(1, 2, 3, 4);
    expect([r.nextU32(), r.nextU32(), r.nextU32(), r.nextU32()]).toEqual([11520, 0, 5927040, 70819200]);
  });
  it('has the known first outputs for seed 0 (the documented algorithm, frozen)', () => {
    const r = new Rng(0);
    const first = [r.nextU32(), r.nextU32(), r.nextU32()];
    // Frozen by this test: changing the generator changes every saved seed's image.
    expect(first).toMatchInlineSnapshot(`
      [
        3809008728,
        1133695204,
        53579671,
      ]
    `);
  });
  it('gives standard normals', () => {
    const x = new Rng(7).normalArray(200_000);
    let m = 0;
    for (const v of x) m += v;
    m /= x.length;
    let s = 0;
    for (const v of x) s += (v - m) ** 2;
    s = Math.sqrt(s / x.length);
    expect(Math.abs(m)).toBeLessThan(0.01);
    expect(Math.abs(s - 1)).toBeLessThan(0.01);
  });
  it('folds big seeds and rejects non-finite ones', () => {
    expect(foldSeed(2 ** 32 + 5)).toBe(4);
    expect(() => foldSeed(NaN)).toThrow();
  });
});

describe('compare', () => {
  it('reports the max error, its index and mismatches, and treats NaN as a mismatch', () => {
    const r = compareArrays([1, 2, 3.5, NaN], [1, 2, 3, 4], 0.1);
    expect(r.ok).toBe(false);
    expect(r.count).toBe(2);
    expect(r.mismatches[0].index).toBe(2);
    expect(compareArrays([1, 2], [1, 2.05], 0.1).ok).toBe(true);
  });
});

describe('errors', () => {
  it('keeps codes across a structured clone', () => {
    const d = toErrorData(new StudioError('integrity', 'bad hash'));
    expect(structuredClone(d)).toEqual({ code: 'integrity', message: 'bad hash' });
    expect(toErrorData(new Error('boom')).code).toBe('internal');
  });
});
