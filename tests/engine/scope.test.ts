// scope.ts on the real Gpu, BufferPool and Tensor over a recording fake device (no kernels run in Node: the tensors
// come from gpu.empty and uploads, which is all tracking sees). The GPU test (scope.gpu.test.ts) runs ops in scopes.
import { describe, expect, it } from 'vitest';
import { chain, inScope, keep, scope } from '../../src/engine/scope.ts';
import type { Tensor } from '../../src/engine/tensor.ts';
import { recordingGpu } from '../realfiles/recordingGpu.ts';

function setup() {
  const { gpu } = recordingGpu();
  const base = gpu.pool.stats();
  const inUse = () => gpu.pool.stats().inUseBytes - base.inUseBytes; // bytes
  return { gpu, inUse };
}

describe('scope: tensor lifetimes', () => {
  it('releases every tensor made inside except the returned one', () => {
    const { gpu, inUse } = setup();
    let tmp!: Tensor;
    const out = gpu.scope(() => {
      tmp = gpu.empty([64]);
      gpu.upload(new Float32Array(8), [8]);
      return gpu.empty([32]);
    });
    expect(tmp.isReleased).toBe(true);
    expect(out.isReleased).toBe(false);
    expect(inUse()).toBe(256); // one size class: the result
    out.release();
    expect(inUse()).toBe(0);
    expect(gpu.pool.stats().buffersInUse).toBe(0);
  });

  it('releases everything when fn throws', () => {
    const { gpu, inUse } = setup();
    const made: Tensor[] = [];
    expect(() =>
      gpu.scope(() => {
        made.push(gpu.empty([64]), gpu.empty([1000]));
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(made.every((t) => t.isReleased)).toBe(true);
    expect(inUse()).toBe(0);
    expect(inScope()).toBe(false);
  });

  it('keeps tensors inside returned arrays and plain objects, releases the rest', () => {
    const { gpu, inUse } = setup();
    let dropped!: Tensor;
    const r = scope(() => {
      dropped = gpu.empty([4]);
      return { pair: [gpu.empty([4]), gpu.empty([4])], one: gpu.empty([4]), n: 3 };
    });
    expect(dropped.isReleased).toBe(true);
    expect([...r.pair, r.one].some((t) => t.isReleased)).toBe(false);
    expect(r.n).toBe(3);
    for (const t of [...r.pair, r.one]) t.release();
    expect(inUse()).toBe(0);
  });

  it('hands an inner scope’s result to the outer scope, which releases it unless it returns it too', () => {
    const { gpu, inUse } = setup();
    let inner!: Tensor;
    let innerTmp!: Tensor;
    const outer = scope(() => {
      inner = scope(() => {
        innerTmp = gpu.empty([4]);
        return gpu.empty([4]);
      });
      expect(innerTmp.isReleased).toBe(true);
      expect(inner.isReleased).toBe(false);
      return gpu.empty([8]);
    });
    expect(inner.isReleased).toBe(true); // owned by the outer scope, which did not return it
    expect(outer.isReleased).toBe(false);
    outer.release();
    expect(inUse()).toBe(0);
  });

  it('never releases a kept tensor, from any depth', () => {
    const { gpu, inUse } = setup();
    let kept!: Tensor;
    scope(() => {
      scope(() => {
        kept = keep(gpu.empty([16]));
      });
    });
    expect(kept.isReleased).toBe(false);
    kept.release();
    expect(inUse()).toBe(0);
  });

  it('leaves tensors made outside alone, tolerates early releases, and tracks withShape moves', () => {
    const { gpu, inUse } = setup();
    const outside = gpu.empty([16]);
    const moved = scope(() => {
      const early = gpu.empty([16]);
      early.release(); // released again by the scope: a no-op
      const a = gpu.empty([2, 8]);
      void outside.data;
      return a.withShape([16]);
    });
    expect(outside.isReleased).toBe(false);
    expect(moved.shape).toEqual([16]);
    expect(moved.isReleased).toBe(false);
    moved.release();
    outside.release();
    expect(inUse()).toBe(0);
  });

  it('refuses a returned view of a tensor it would release, and a promise', async () => {
    const { gpu, inUse } = setup();
    expect(() => scope(() => gpu.empty([2, 8]).reshape([16]))).toThrow(/view/);
    let made!: Tensor;
    expect(() =>
      scope(() => {
        made = gpu.empty([4]);
        return Promise.resolve(made);
      }),
    ).toThrow(/synchronous/);
    expect(made.isReleased).toBe(true);
    expect(inUse()).toBe(0);
    // a view of a tensor from outside is fine: its owner is not the scope's
    const owner = gpu.empty([2, 8]);
    const view = scope(() => owner.reshape([16]));
    expect(view.viewOf).toBe(owner);
    owner.release();
  });

  it('returns the pool to its baseline over many nested iterations (no tracking leaks across scopes)', () => {
    const { gpu, inUse } = setup();
    const keepers: Tensor[] = [];
    for (let i = 0; i < 20; i++)
      keepers.push(
        scope(() => {
          const a = gpu.empty([100 + i]);
          return scope(() => [gpu.empty([10]), a])[0]; // a came back from the inner scope and is dropped here
        }),
      );
    expect(gpu.pool.stats().buffersInUse).toBe(20);
    for (const t of keepers) t.release();
    expect(inUse()).toBe(0);
    const untracked = gpu.empty([4]); // no scope open: the maker owns it
    expect(inScope()).toBe(false);
    expect(untracked.isReleased).toBe(false);
    untracked.release();
  });

  it('chain releases each intermediate once the next stage is made, never the input', () => {
    const { gpu, inUse } = setup();
    const x = gpu.empty([64]);
    const seen: { input: Tensor; liveBefore: boolean }[] = [];
    const stage = (t: Tensor) => {
      const out = gpu.empty([64]);
      seen.push({ input: t, liveBefore: !t.isReleased });
      return out;
    };
    const inPlace = (t: Tensor) => t; // a stage that returns its input (an in-place op) must not release it
    const y = chain(x, stage, inPlace, stage, stage);
    expect(seen.every((s) => s.liveBefore)).toBe(true); // each stage saw a live input
    expect(seen[1].input.isReleased && seen[2].input.isReleased).toBe(true); // the intermediates are gone
    expect(x.isReleased).toBe(false);
    expect(y.isReleased).toBe(false);
    expect(gpu.pool.stats().buffersInUse).toBe(2); // x and y; the pool kept 2 intermediates for reuse
    x.release();
    y.release();
    expect(inUse()).toBe(0);
  });
});
