import { describe, expect, it } from 'vitest';
import { chwToRgba, composite, inwardFeather, maskToLatent, rgbaToChw } from '../../src/models/zimage/imageOps.ts';
import { Rng } from '../../src/lib/rng.ts';

describe('pipeline image plumbing', () => {
  it('round-trips RGBA through [-1, 1] exactly', () => {
    const rng = new Rng(5);
    const rgba = Uint8ClampedArray.from({ length: 7 * 3 * 4 }, (_, i) => (i % 4 === 3 ? 255 : rng.int(256)));
    expect(Array.from(chwToRgba(rgbaToChw(rgba, 7, 3), 7, 3))).toEqual(Array.from(rgba));
  });
  it('resizes masks by nearest neighbour', () => {
    const m = new Uint8Array(16 * 16);
    for (let y = 0; y < 16; y++) for (let x = 8; x < 16; x++) m[y * 16 + x] = 255;
    const l = maskToLatent(m, 16, 16, 2, 2);
    expect(Array.from(l)).toEqual([0, 1, 0, 1]);
  });
  it('feathers inward only: zero outside the mask, one deep inside, a ramp at the edge', () => {
    const W = 40;
    const m = new Uint8Array(W * W);
    for (let y = 10; y < 30; y++) for (let x = 10; x < 30; x++) m[y * W + x] = 255;
    const f = inwardFeather(m, W, W, 4);
    for (let i = 0; i < m.length; i++) if (!m[i]) expect(f[i]).toBe(0);
    expect(f[20 * W + 20]).toBe(1);
    expect(f[20 * W + 10]).toBeGreaterThan(0);
    expect(f[20 * W + 10]).toBeLessThan(1);
    expect(f[20 * W + 11]).toBeGreaterThan(f[20 * W + 10]);
  });
  it('composites without changing unmasked pixels', () => {
    const orig = Uint8ClampedArray.from({ length: 16 }, (_, i) => i * 10);
    const gen = new Uint8ClampedArray(16).fill(255);
    const out = composite(gen, orig, Float32Array.from([0, 1, 0.5, 0]));
    expect(Array.from(out.slice(0, 4))).toEqual(Array.from(orig.slice(0, 4)));
    expect(Array.from(out.slice(4, 7))).toEqual([255, 255, 255]);
    expect(out[8]).toBe(Math.round(0.5 * 255 + 0.5 * 80));
  });
});
