import { describe, expect, it } from 'vitest';
import { timestepEmbedding } from '../../src/engine/kernels/timestepEmbedding.ts';
import { timestepEmbeddingRef } from '../../src/engine/ref/timestepEmbedding.ts';
import { expectClose, getGpu } from './harness.ts';

describe('timestep embedding (Z-Image TimestepEmbedder sinusoid, cos first)', () => {
  // The Turbo schedule's embedder inputs 1000*(1 - sigma_i) for N = 8 (zimage-spec §6), plus 1000 (t = 1).
  const T = [0, 45.4545, 100, 166.667, 250, 357.143, 500, 700, 1000];

  it('matches the exact formula within the f32 angle rounding, dim=256', async () => {
    const gpu = await getGpu();
    let te = null as unknown as ReturnType<typeof timestepEmbedding>;
    gpu.run((b) => (te = timestepEmbedding(b, T, 256)));
    expect(te.shape).toEqual([T.length, 256]);
    const got = await gpu.read(te);
    // |angle error| <= ~2 ulp(t*f) <= 2.4e-7 * t; cos/sin move by at most that.
    expectClose(got, timestepEmbeddingRef(T, 256), 2.4e-7 * 1000 + 1e-7, 0, 'temb');
    // t = 0: cos = 1, sin = 0 exactly. Column j = 0 has f = 1: cos(t), sin(t) of t itself (row 4: t = 250).
    for (let j = 0; j < 128; j++) expect([got[j], got[128 + j]]).toEqual([1, 0]);
    expect(got[4 * 256]).toBeCloseTo(Math.cos(250), 6);
    expect(got[4 * 256 + 128]).toBeCloseTo(Math.sin(250), 6);
    te.release();
  });

  it('small dim and custom maxPeriod', async () => {
    const gpu = await getGpu();
    const t = [0.5, 3, 17.25];
    let te = null as unknown as ReturnType<typeof timestepEmbedding>;
    gpu.run((b) => (te = timestepEmbedding(b, t, 6, { maxPeriod: 100 })));
    // f = [1, 100^(-1/3), 100^(-2/3)]
    expectClose(await gpu.read(te), timestepEmbeddingRef(t, 6, 100), 1e-6, 0, 'temb dim 6');
    te.release();
  });

  it('rejects odd dims and bad timesteps', async () => {
    const gpu = await getGpu();
    const b = gpu.batch('temb errors');
    expect(() => timestepEmbedding(b, [1], 255)).toThrow(RangeError);
    expect(() => timestepEmbedding(b, [], 256)).toThrow(RangeError);
    expect(() => timestepEmbedding(b, [NaN], 256)).toThrow(RangeError);
    b.submit();
  });
});
