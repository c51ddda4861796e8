import { describe, expect, it } from 'vitest';
import type { BrushSettings } from '../../src/paint/brush.ts';
import { MaskPainter } from '../../src/paint/painter.ts';
import { renderOverlay } from '../../src/paint/overlay.ts';
import { Rng } from '../../src/lib/rng.ts';

function randomBrush(r: Rng): BrushSettings {
  return { tool: r.nextU32() % 3 === 0 ? 'eraser' : 'brush', size: 1 + (r.nextU32() % 24), hardness: (r.nextU32() % 11) / 10, pressure: r.nextU32() % 2 === 0 };
}

function randomStroke(p: MaskPainter, r: Rng) {
  const n = 1 + (r.nextU32() % 6);
  const pt = () => ({ x: (r.nextU32() % 1000) / 1000 * (p.width + 20) - 10, y: (r.nextU32() % 1000) / 1000 * (p.height + 20) - 10, p: (r.nextU32() % 100) / 100 });
  p.beginStroke(randomBrush(r), pt());
  for (let i = 1; i < n; i++) p.addPoint(pt());
  p.endStroke();
}

const bytes = (p: MaskPainter) => Array.from(p.mask.data);

describe('mask painter history', () => {
  it.each([1, 2, 3])('undo/redo over a random session matches recomputing from scratch (seed %i)', (seed) => {
    const r = new Rng(seed);
    const p = new MaskPainter(37, 29);
    for (let step = 0; step < 60; step++) {
      const k = r.nextU32() % 10;
      if (k < 5) randomStroke(p, r);
      else if (k === 5) p.invert();
      else if (k === 6) p.clear();
      else if (k < 9) p.undo();
      else p.redo();
      expect(bytes(p), `step ${step}`).toEqual(Array.from(MaskPainter.render(37, 29, p.history).data));
    }
  });

  it('undo walks back through every earlier state exactly and redo walks forward again (seed 4)', () => {
    const r = new Rng(4);
    const p = new MaskPainter(24, 24);
    const states = [bytes(p)]; // states[k]: the mask after k committed operations
    for (let i = 0; i < 12; i++) {
      if (i % 5 === 4) p.invert();
      else randomStroke(p, r);
      if (p.history.length === states.length) states.push(bytes(p));
    }
    expect(states.length).toBeGreaterThan(8);
    for (let k = states.length - 2; k >= 0; k--) {
      expect(p.undo()).toBe(true);
      expect(bytes(p)).toEqual(states[k]);
    }
    expect(p.undo()).toBe(false);
    while (p.redo());
    expect(bytes(p)).toEqual(states[states.length - 1]);
  });

  it('a new stroke after undo drops the redo stack', () => {
    const p = new MaskPainter(16, 16);
    p.beginStroke({ tool: 'brush', size: 4, hardness: 1, pressure: false }, { x: 4, y: 4, p: 1 });
    p.endStroke();
    p.undo();
    expect(p.canRedo).toBe(true);
    p.beginStroke({ tool: 'brush', size: 4, hardness: 1, pressure: false }, { x: 10, y: 10, p: 1 });
    p.endStroke();
    expect(p.canRedo).toBe(false);
  });

  it('cancelStroke restores the pixels under the live stroke', () => {
    const p = new MaskPainter(20, 20);
    p.invert();
    const before = bytes(p);
    p.beginStroke({ tool: 'eraser', size: 8, hardness: 0.5, pressure: false }, { x: 5, y: 5, p: 1 });
    p.addPoint({ x: 15, y: 12, p: 1 });
    expect(bytes(p)).not.toEqual(before);
    p.cancelStroke();
    expect(bytes(p)).toEqual(before);
    expect(p.history.length).toBe(1);
  });

  it('clear of an empty mask and strokes entirely off the image are not history entries', () => {
    const p = new MaskPainter(10, 10);
    expect(p.clear()).toBe(false);
    p.beginStroke({ tool: 'brush', size: 4, hardness: 1, pressure: false }, { x: -50, y: -50, p: 1 });
    expect(p.endStroke()).toBe(false);
    expect(p.canUndo).toBe(false);
  });

  it('bounds the history by operation count and by bytes', () => {
    const p = new MaskPainter(10, 10, { maxOps: 3, maxBytes: 1e9 });
    for (let i = 0; i < 5; i++) p.invert();
    expect(p.history.length).toBe(3);
    const q = new MaskPainter(10, 10, { maxOps: 100, maxBytes: 150 });
    q.invert();
    q.clear(); // 100 bytes saved
    q.invert();
    q.clear(); // 200 > 150: the first clear's pixels are dropped with everything before them
    expect(q.history.map((o) => o.kind)).toEqual(['invert', 'clear']);
  });

  it('reports dirty rectangles that hold every changed pixel (seed 5)', () => {
    const r = new Rng(5);
    const p = new MaskPainter(40, 40);
    for (let i = 0; i < 20; i++) {
      const before = p.mask.data.slice();
      if (i % 4 === 3) p.undo();
      else randomStroke(p, r);
      const d = p.takeDirty();
      for (let j = 0; j < before.length; j++) {
        if (before[j] === p.mask.data[j]) continue;
        const x = j % 40;
        const y = Math.floor(j / 40);
        expect(d).not.toBeNull();
        expect(x >= d!.x && x < d!.x + d!.w && y >= d!.y && y < d!.y + d!.h).toBe(true);
      }
      expect(p.takeDirty()).toBeNull();
    }
  });

  it('exports a copy, one byte per pixel, 255 where painted', () => {
    const p = new MaskPainter(8, 4);
    expect(p.isEmpty()).toBe(true);
    p.invert();
    const m = p.exportMask();
    expect(m.width).toBe(8);
    expect(m.height).toBe(4);
    expect(new Uint8Array(m.data)).toEqual(new Uint8Array(32).fill(255));
    p.clear();
    expect(new Uint8Array(m.data)[0]).toBe(255); // the export did not alias the live mask
  });

  it('renders the overlay tint with the mask as alpha inside the rectangle only', () => {
    const p = new MaskPainter(4, 3);
    p.invert();
    const rgba = new Uint8ClampedArray(4 * 3 * 4);
    renderOverlay(p.mask, { x: 1, y: 1, w: 2, h: 1 }, rgba, { r: 1, g: 2, b: 3 });
    expect(Array.from(rgba.subarray((1 * 4 + 1) * 4, (1 * 4 + 1) * 4 + 8))).toEqual([1, 2, 3, 255, 1, 2, 3, 255]);
    expect(rgba[3]).toBe(0);
    expect(rgba.reduce((s, v) => s + v, 0)).toBe(2 * (1 + 2 + 3 + 255));
  });
});
