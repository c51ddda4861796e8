import { describe, expect, it } from 'vitest';
import { dabFalloff, StrokeRasterizer, type BrushSettings, type StrokePoint } from '../../src/paint/brush.ts';
import { createMask, type MaskBitmap } from '../../src/paint/mask.ts';

const hard: BrushSettings = { tool: 'brush', size: 16, hardness: 1, pressure: false };

function stroke(mask: MaskBitmap, brush: BrushSettings, pts: StrokePoint[]) {
  const base = mask.data.slice();
  const r = new StrokeRasterizer(brush, mask, base, new Uint8Array(mask.data.length));
  for (const p of pts) r.add(p);
  r.finish();
  return r.dirty;
}
const at = (m: MaskBitmap, x: number, y: number) => m.data[y * m.width + x];
const sum = (m: MaskBitmap) => m.data.reduce((s, v) => s + v, 0) / 255;

describe('brush dabs', () => {
  it('a hard dab fills its disc, anti-aliases a 1 px rim and leaves the outside alone', () => {
    const m = createMask(64, 64);
    stroke(m, hard, [{ x: 32, y: 32, p: 1 }]);
    expect(at(m, 32, 32)).toBe(255);
    expect(at(m, 32 + 6, 32)).toBe(255); // centre distance 6.5 < r - 0.5
    expect(at(m, 32 + 9, 32)).toBe(0); // 9.5 > r + 0.5
    expect(at(m, 32, 32 - 9)).toBe(0);
    expect(Math.abs(sum(m) - Math.PI * 64)).toBeLessThan(8); // area ≈ π r² (r = 8)
  });

  it('a soft dab falls off monotonically from the centre', () => {
    let prev = 2;
    for (let d = 0; d <= 10; d += 0.5) {
      const a = dabFalloff(d, 10, 0);
      expect(a).toBeLessThanOrEqual(prev);
      prev = a;
    }
    expect(dabFalloff(0.5, 10, 0)).toBe(1);
    expect(dabFalloff(10.5, 10, 0)).toBe(0);
    expect(dabFalloff(5.5, 10, 0)).toBeCloseTo(0.5, 5);
    expect(dabFalloff(8, 8, 1)).toBeCloseTo(0.5, 5); // a hard rim is centred on r
  });

  it('pen pressure shrinks the dab when enabled and is ignored when not', () => {
    const a = createMask(64, 64);
    const b = createMask(64, 64);
    const c = createMask(64, 64);
    stroke(a, { ...hard, size: 32, pressure: true }, [{ x: 32, y: 32, p: 1 }]);
    stroke(b, { ...hard, size: 32, pressure: true }, [{ x: 32, y: 32, p: 0.3 }]);
    stroke(c, { ...hard, size: 32, pressure: false }, [{ x: 32, y: 32, p: 0.3 }]);
    expect(sum(b)).toBeLessThan(sum(a) * 0.25);
    expect(sum(c)).toBe(sum(a));
  });

  it('paints right up to every edge, from dabs centred outside the image too', () => {
    const m = createMask(40, 30);
    const dirty = stroke(m, hard, [{ x: -3, y: -3, p: 1 }, { x: 43, y: 33, p: 1 }]);
    expect(at(m, 0, 0)).toBe(255);
    expect(at(m, 39, 29)).toBe(255);
    expect(dirty).toEqual({ x: 0, y: 0, w: 40, h: 30 });
    const edge = createMask(40, 30);
    stroke(edge, { ...hard, size: 4 }, [{ x: 0, y: -10, p: 1 }, { x: 0, y: 40, p: 1 }]);
    for (let y = 0; y < 30; y++) expect(at(edge, 0, y)).toBe(255); // the whole left column
  });

  it('a line is the same however densely it was sampled, and never builds up where the pen lingers', () => {
    const sparse = createMask(100, 40);
    const dense = createMask(100, 40);
    const soft = { ...hard, hardness: 0.2 };
    stroke(sparse, soft, [{ x: 10, y: 20, p: 1 }, { x: 90, y: 20, p: 1 }]);
    const pts: StrokePoint[] = [];
    for (let i = 0; i <= 80; i++) pts.push({ x: 10 + i, y: 20, p: 1 });
    stroke(dense, soft, pts);
    let maxDiff = 0;
    for (let i = 0; i < sparse.data.length; i++) maxDiff = Math.max(maxDiff, Math.abs(sparse.data[i] - dense.data[i]));
    expect(maxDiff).toBeLessThanOrEqual(8);
    for (let x = 10; x < 90; x++) expect(at(dense, x, 20)).toBe(255);
    const once = createMask(64, 64);
    const many = createMask(64, 64);
    stroke(once, soft, [{ x: 30, y: 30, p: 1 }]);
    stroke(many, soft, Array.from({ length: 20 }, () => ({ x: 30, y: 30, p: 1 })));
    expect(Array.from(many.data)).toEqual(Array.from(once.data));
  });

  it('the eraser removes paint by its coverage', () => {
    const m = createMask(32, 32);
    m.data.fill(255);
    stroke(m, { ...hard, tool: 'eraser', size: 8 }, [{ x: 16, y: 16, p: 1 }]);
    expect(at(m, 16, 16)).toBe(0);
    expect(at(m, 0, 0)).toBe(255);
  });

  it('paint composes over a half-painted base instead of replacing it', () => {
    const m = createMask(32, 32);
    m.data.fill(128);
    stroke(m, { ...hard, hardness: 0, size: 20 }, [{ x: 16, y: 16, p: 1 }]);
    expect(at(m, 0, 0)).toBe(128); // untouched
    expect(at(m, 16, 16)).toBe(255);
    for (const v of m.data) expect(v).toBeGreaterThanOrEqual(128);
  });
});
