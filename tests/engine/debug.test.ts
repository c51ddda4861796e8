import { describe, expect, it } from 'vitest';
import { debug, debugMessage, DEBUG_MESSAGE, setDebug } from '../../src/engine/debug.ts';
import { passSpansMs } from '../../src/engine/timestamps.ts';

describe('engine debug flags', () => {
  it('are off by default in Node (no page setting) and parse a comma list', () => {
    expect(debug).toEqual({ shaders: false, timing: false });
    expect(debugMessage()).toBeNull();
    expect(setDebug('shaders, timing')).toEqual({ shaders: true, timing: true });
    expect(setDebug('timing')).toEqual({ shaders: false, timing: true });
    expect(setDebug('verbose')).toEqual({ shaders: true, timing: true });
    expect(setDebug('nonsense')).toEqual({ shaders: false, timing: false });
    expect(setDebug(null)).toEqual({ shaders: false, timing: false });
    expect(DEBUG_MESSAGE).toBe('zimage.debug');
  });

  it('time each pass on its own: flat and backwards passes read 0', () => {
    const stamps = BigUint64Array.from([10n, 2_000_010n, 5n, 5n, 9n, 3n, 100n, 600_100n]);
    expect(passSpansMs(stamps, 4)).toEqual([2, 0, 0, 0.6]);
    expect(() => passSpansMs(stamps, 5)).toThrow(RangeError);
  });
});
