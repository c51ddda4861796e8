import { describe, expect, it } from 'vitest';
import { planTiles, rampWeight } from '../../src/models/zimage/vaeTiling.ts';

describe('VAE tile plan', () => {
  it('covers the latent exactly with overlapping tiles no larger than asked', () => {
    for (const [h, w] of [[128, 128], [96, 160], [48, 48], [49, 200], [256, 17]]) {
      const tiles = planTiles(h, w, 48, 8);
      const cover = new Uint8Array(h * w);
      for (const t of tiles) {
        expect(t.h).toBeLessThanOrEqual(48);
        expect(t.y + t.h).toBeLessThanOrEqual(h);
        expect(t.x + t.w).toBeLessThanOrEqual(w);
        for (let y = t.y; y < t.y + t.h; y++) for (let x = t.x; x < t.x + t.w; x++) cover[y * w + x] = 1;
      }
      expect(cover.every((c) => c === 1), `${h}x${w}`).toBe(true);
    }
    expect(planTiles(48, 48, 48, 8)).toHaveLength(1);
  });
  it('ramps weights across shared edges only, never to zero', () => {
    expect(rampWeight(0, 100, 16, false, true)).toBe(1);
    expect(rampWeight(0, 100, 16, true, true)).toBeCloseTo(0.5 / 16);
    expect(rampWeight(99, 100, 16, true, true)).toBeCloseTo(0.5 / 16);
    expect(rampWeight(50, 100, 16, true, true)).toBe(1);
    for (let i = 0; i < 100; i++) expect(rampWeight(i, 100, 16, true, true)).toBeGreaterThan(0);
  });
});
