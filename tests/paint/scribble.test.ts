import { describe, expect, it } from 'vitest';
import { MaskPainter } from '../../src/paint/painter.ts';
import { scribbleRgba } from '../../src/paint/scribble.ts';

describe('scribble control image', () => {
  it('is opaque grey = coverage (white lines on black), and follows undo', () => {
    const p = new MaskPainter(32, 16);
    p.beginStroke({ tool: 'brush', size: 4, hardness: 1, pressure: false }, { x: 2, y: 8, p: 1 });
    p.addPoint({ x: 30, y: 8, p: 1 });
    p.endStroke();
    const rgba = scribbleRgba(p.mask);
    expect(rgba.length).toBe(32 * 16 * 4);
    const at = (x: number, y: number) => [...rgba.subarray((y * 32 + x) * 4, (y * 32 + x) * 4 + 4)];
    expect(at(16, 8)).toEqual([255, 255, 255, 255]);
    expect(at(16, 0)).toEqual([0, 0, 0, 255]);
    for (let i = 0; i < rgba.length; i += 4) expect(rgba[i] === rgba[i + 1] && rgba[i] === rgba[i + 2] && rgba[i + 3] === 255).toBe(true);
    p.undo();
    expect(scribbleRgba(p.mask).every((v, i) => v === (i % 4 === 3 ? 255 : 0))).toBe(true);
  });
});
