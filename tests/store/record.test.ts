import { describe, expect, it } from 'vitest';
import { withEntry } from '../../src/store/record.ts';

describe('withEntry', () => {
  it('sets or deletes a key in a copy, never touching the original', () => {
    const a: Record<string, number> = { x: 1 };
    const b = withEntry(a, 'y', 2);
    expect(b).toEqual({ x: 1, y: 2 });
    expect(a).toEqual({ x: 1 });
    const c = withEntry(b, 'x', null);
    expect(c).toEqual({ y: 2 });
    expect('x' in c).toBe(false);
    expect(withEntry(c, 'y', undefined)).toEqual({});
    expect(withEntry(c, 'y', 0)).toEqual({ y: 0 }); // a falsy value is still a value
  });
});
