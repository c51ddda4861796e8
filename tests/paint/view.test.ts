import { describe, expect, it } from 'vitest';
import { constrainView, fitView, imageToScreen, MAX_ZOOM, panBy, screenToImage, zoomAt, type View } from '../../src/paint/view.ts';

describe('view transforms', () => {
  const v: View = { zoom: 2.5, x: -40, y: 13 };

  it('screen and image coordinates invert each other', () => {
    for (const [x, y] of [[0, 0], [123.25, -7.5], [2048, 2048]]) {
      const s = imageToScreen(v, x, y);
      const back = screenToImage(v, s.x, s.y);
      expect(back.x).toBeCloseTo(x, 9);
      expect(back.y).toBeCloseTo(y, 9);
    }
  });

  it('zooming keeps the image point under the pointer fixed, and clamps', () => {
    const before = screenToImage(v, 300, 200);
    const z = zoomAt(v, 1.7, 300, 200);
    expect(z.zoom).toBeCloseTo(4.25, 9);
    const after = screenToImage(z, 300, 200);
    expect(after.x).toBeCloseTo(before.x, 9);
    expect(after.y).toBeCloseTo(before.y, 9);
    expect(zoomAt(v, 1e6, 0, 0).zoom).toBe(MAX_ZOOM);
  });

  it('fit centres the whole image and never magnifies past 1:1 by default', () => {
    const f = fitView(2048, 1024, 1000, 800, 20);
    expect(f.zoom).toBeCloseTo(960 / 2048, 9);
    expect(f.x).toBeCloseTo(20, 9);
    expect(f.y + 1024 * f.zoom / 2).toBeCloseTo(400, 9);
    expect(fitView(64, 64, 1000, 800).zoom).toBe(1);
  });

  it('panning moves the image; constraining keeps some of it on screen', () => {
    const p = panBy(v, 10, -5);
    expect(p).toEqual({ zoom: 2.5, x: -30, y: 8 });
    const lost = constrainView({ zoom: 1, x: 5000, y: -5000 }, 100, 100, 800, 600, 48);
    expect(lost.x).toBe(800 - 48);
    expect(lost.y).toBe(48 - 100);
  });
});
