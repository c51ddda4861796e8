import { describe, expect, it } from 'vitest';
import { BUDGET, ditFlops, planSize, weightBytes } from '../../src/models/zimage/plan.ts';
import { FLUX_VAE, TURBO_TRANSFORMER } from '../../src/models/zimage/config.ts';
import { vaeDecoderShapes, vaeEncoderShapes } from '../../src/models/zimage/shapes.ts';

describe('memory and compute plan of the real configuration', () => {
  it('weighs the networks as the default policy stores them', () => {
    const w = weightBytes();
    // 6.15 B DiT parameters, ~98% in q4 at 5 bits each: between 3.5 and 4.2 GB
    expect(w.transformer.total).toBeGreaterThan(3.5e9);
    expect(w.transformer.total).toBeLessThan(4.2e9);
    expect(w.textEncoder.byFormat.cpu).toBe(151936 * 2560 * 2); // the token table, f16 rows, not on the GPU
    const shapes = [...vaeDecoderShapes(FLUX_VAE), ...vaeEncoderShapes(FLUX_VAE)];
    const conv = shapes.filter(([, sh]) => sh.length === 4).reduce((n, [, sh]) => n + sh.reduce((a, b) => a * b, 1), 0);
    expect(w.vae.byFormat.f16).toBe(conv * 2); // convolution kernels in f16
    expect(w.vae.total).toBe(conv * 2 + (83_819_683 - conv) * 4);
  });
  it('grows with the image and keeps low-memory mode within its 1024² budget', () => {
    const [a, b, c] = [512, 768, 1024].map((s) => planSize(s));
    expect(a.flopsPerStep).toBeLessThan(b.flopsPerStep);
    expect(b.flopsPerStep).toBeLessThan(c.flopsPerStep);
    expect(c.peakBytes.lowMemory).toBeLessThanOrEqual(BUDGET.lowMemory);
    expect(c.peakBytes.fast).toBeLessThanOrEqual(BUDGET.fast);
    expect(c.peakBytes.lowMemory).toBeLessThan(c.peakBytes.fast);
  });
  it('counts DiT FLOPs like the spec (≈56.6 TFLOP at 1024² with 128 caption tokens)', () => {
    const f = ditFlops(TURBO_TRANSFORMER, 4096, 128);
    expect(f / 1e12).toBeGreaterThan(54);
    expect(f / 1e12).toBeLessThan(60);
  });
});
