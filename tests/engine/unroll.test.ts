import { describe, expect, it } from 'vitest';
import { part, unroll, unrollRows } from '../../src/engine/compose.ts';

describe('unrollRows: per-row blocks of a kernel written once, repeated per row', () => {
  const src = 'let a = 1u; // @R in a comment stays\n  //@rows{\n  var x@R = @Ru;\n  //@}\nlet b = 2u;\n';

  it('repeats each block once per row with @R replaced, and declares the row count', () => {
    expect(unrollRows(src, 2, 'RPI')).toBe('const RPI = 2u;\nlet a = 1u; // @R in a comment stays\n  var x0 = 0u;\n  var x1 = 1u;\nlet b = 2u;\n');
    expect(unrollRows(src, 1, 'TM')).toBe('const TM = 1u;\nlet a = 1u; // @R in a comment stays\n  var x0 = 0u;\nlet b = 2u;\n');
  });

  it('expands several blocks, each in place', () => {
    const two = '//@rows{\na@R\n//@}\nmid\n  //@rows{ trailing words\n  b@R\n  //@} end\n';
    expect(unrollRows(two, 3, 'N')).toBe('const N = 3u;\na0\na1\na2\nmid\n  b0\n  b1\n  b2\n');
  });

  it('refuses an open block, a stray @R and a bad row count', () => {
    expect(() => unrollRows('  //@rows{\n var x@R = 1;\n', 2, 'R')).toThrow(/unbalanced/);
    expect(() => unrollRows('var x@R = 1;\n', 2, 'R')).toThrow(/unbalanced/);
    expect(() => unrollRows(src, 0, 'R')).toThrow(RangeError);
    expect(() => unrollRows(src, 1.5, 'R')).toThrow(RangeError);
  });

  it('as a shader part, names the expansion after the file, the constant and the count', () => {
    const p = unroll(part('rows_kernel', src), 2, 'RPI');
    expect(p).toEqual({ name: 'rows_kernel<RPI=2>', code: unrollRows(src, 2, 'RPI') });
  });
});
