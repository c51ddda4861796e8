// scope.ts with real kernels: temporaries released inside a batch are reused by the next ops of the same batch
// (the pool's ordering rule) and the values stay right; results, nesting, keep() and throws leave the pool's
// in-use bytes exactly at their baseline. The Node test (tests/engine/scope.test.ts) covers the bookkeeping alone.
import { describe, expect, it } from 'vitest';
import * as ops from '../../src/engine/ops.ts';
import { chain, keep, scope } from '../../src/engine/scope.ts';
import type { Tensor } from '../../src/engine/tensor.ts';
import { Rng } from '../../src/lib/rng.ts';
import { expectClose, getGpu } from './harness.ts';

const N = 1000; // elements: an awkward size, one pool class for every tensor here

describe('scope: tensor lifetimes on the GPU', () => {
  it('releases temporaries mid-batch, the next ops reuse them, and the values are right (seed=7)', async () => {
    const gpu = await getGpu();
    const rng = new Rng(7);
    const a = rng.normalArray(N);
    const c = rng.normalArray(N);
    const ta = gpu.upload(a, [N]);
    const tc = gpu.upload(c, [N]);
    await gpu.sync();
    const base = gpu.pool.stats();
    let inner!: Tensor;
    // ((a + c) * c) computed in an inner scope; then 4 more temporaries whose buffers come from the inner scope's
    const { y, z } = gpu.run((b) =>
      scope(() => {
        const s = scope(() => {
          inner = ops.add(b, ta, tc); // (N) released when the inner scope returns
          return ops.mul(b, inner, tc);
        });
        expect(inner.isReleased).toBe(true);
        const t = ops.scale(b, s, 2); // takes inner's buffer
        const u = ops.add(b, t, ta);
        return { y: ops.scale(b, u, 0.5), z: [s] }; // (N) each
      }),
    );
    const stats = gpu.pool.stats();
    expect(stats.buffersInUse - base.buffersInUse).toBe(2); // y and s: inner, t, u are back in the pool
    const [gy, gz] = [await gpu.read(y), await gpu.read(z[0])];
    const s = a.map((v, i) => (v + c[i]) * c[i]);
    expectClose(gz, s, 1e-6, 1e-6, 'scoped (a + c) * c');
    expectClose(
      gy,
      s.map((v, i) => (2 * v + a[i]) * 0.5),
      1e-6,
      1e-6,
      'after reuse',
    );
    for (const t of [y, z[0], ta, tc]) t.release();
    expect(gpu.pool.stats().inUseBytes).toBe(base.inUseBytes - ta.bytes - tc.bytes);
  });

  it('on a throw mid-batch, releases everything the scope made; keep() survives; the pool returns to its baseline', async () => {
    const gpu = await getGpu();
    const x = gpu.upload(new Float32Array(N).fill(1), [N]);
    await gpu.sync();
    const base = gpu.pool.stats().inUseBytes;
    let kept!: Tensor;
    expect(() =>
      gpu.run((b) =>
        gpu.scope(() => {
          const t = ops.scale(b, x, 3);
          kept = keep(ops.add(b, t, x));
          ops.silu(b, t);
          throw new Error('stop');
        }),
      ),
    ).toThrow('stop');
    expect(gpu.pool.stats().inUseBytes - base).toBe(kept.bytes);
    gpu.run((b) => ops.add(b, x, x, { out: kept })); // still usable (the batch that threw was never submitted)
    expectClose(await gpu.read(kept), new Float32Array(N).fill(2), 0, 0, 'kept');
    kept.release();
    x.release();
    expect(gpu.pool.stats().inUseBytes).toBe(base - x.bytes);
  });

  it('chain over real ops: x -> 2x -> 2x + 1 -> silu(...), input kept, intermediates pooled', async () => {
    const gpu = await getGpu();
    const rng = new Rng(11);
    const a = rng.normalArray(N);
    const x = gpu.upload(a, [N]);
    await gpu.sync();
    const base = gpu.pool.stats().buffersInUse;
    const y = gpu.run((b) =>
      chain(
        x,
        (t) => ops.scale(b, t, 2),
        (t) => ops.affine(b, t, 1, 1),
        (t) => ops.silu(b, t),
      ),
    );
    expect(gpu.pool.stats().buffersInUse - base).toBe(1);
    expect(x.isReleased).toBe(false);
    expectClose(
      await gpu.read(y),
      a.map((v) => (2 * v + 1) / (1 + Math.exp(-(2 * v + 1)))),
      1e-6,
      1e-5,
      'chain',
    );
    y.release();
    x.release();
  });
});
