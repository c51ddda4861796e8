// Timed batches (src/engine/profiler.ts): GPU time from timestamp queries on a device that has them, covering
// every compute pass of a batch (a copy splits passes); on a device without them, null and a still-right result.
import { describe, expect, it } from 'vitest';
import { Gpu } from '../../src/engine/gpu.ts';
import { add } from '../../src/engine/kernels/elementwise.ts';
import type { Tensor } from '../../src/engine/tensor.ts';
import type { GpuTime } from '../../src/engine/timestamps.ts';
import { getGpu } from './harness.ts';

const N = 1 << 20; // elements: a few ms per add on SwiftShader, well above the 100 µs timestamp quantum

/** x = i % 7, y = 1 (N): after k in-place adds x holds i % 7 + k, exactly. */
function inputs(gpu: Gpu): [Tensor, Tensor] {
  const x = Float32Array.from({ length: N }, (_, i) => i % 7);
  return [gpu.upload(x, [N]), gpu.upload(new Float32Array(N).fill(1), [N])];
}

/** One timed batch: `split[i]` in-place adds in pass i, a 4-byte copy between passes. */
async function timed(gpu: Gpu, x: Tensor, y: Tensor, scratch: Tensor, split: number[]): Promise<GpuTime | null> {
  const b = gpu.batch('profiler test', { timed: true });
  split.forEach((adds, i) => {
    if (i > 0) b.copy(y.data, 0, scratch.data, 0, 4);
    for (let k = 0; k < adds; k++) add(b, x, y, { inPlace: true });
  });
  b.submit();
  return b.gpuTime();
}

/** The fastest of `runs` (other processes share the CPU that SwiftShader runs on: noise only adds time). */
async function fastest(runs: number, f: () => Promise<GpuTime | null>): Promise<GpuTime> {
  const got: GpuTime[] = [];
  for (let i = 0; i < runs; i++) {
    const t = await f();
    expect(t, 'a timed batch on a device with timestamp-query').not.toBeNull();
    got.push(t!);
  }
  return got.reduce((a, b) => (b.ms < a.ms ? b : a));
}

async function expectHolds(gpu: Gpu, x: Tensor, adds: number): Promise<void> {
  const got = await gpu.read(x);
  const bad = got.findIndex((v, i) => v !== (i % 7) + adds);
  expect(bad, `x[${bad}] = ${got[bad]} after ${adds} adds`).toBe(-1);
}

describe('timed batches with timestamp-query', () => {
  it('time grows with the work in a batch, and every pass around a copy is timed and summed', async () => {
    const gpu = await getGpu();
    expect(gpu.features.timestampQuery, 'SwiftShader and real GPUs grant timestamp-query').toBe(true);
    const [x, y] = inputs(gpu);
    const scratch = gpu.empty([1]);
    await timed(gpu, x, y, scratch, [1]); // warm-up: pipeline compiled, query chunk made
    const one = await fastest(3, () => timed(gpu, x, y, scratch, [1]));
    const twenty = await fastest(3, () => timed(gpu, x, y, scratch, [20]));
    const split = await fastest(3, () => timed(gpu, x, y, scratch, [20, 20]));
    console.log(`[gpu] add x${N}: 1 dispatch ${one.ms.toFixed(3)} ms; 20: ${twenty.ms.toFixed(3)} ms; 20 + copy + 20: ${split.ms.toFixed(3)} ms`);
    await expectHolds(gpu, x, 1 + 3 + 60 + 120);

    expect(Number.isFinite(one.ms) && one.ms > 0).toBe(true);
    expect(one).toMatchObject({ passes: 1, backwards: 0 });
    // 20x the work; a factor of 4 leaves room for noise and per-pass overhead
    expect(twenty.ms).toBeGreaterThan(4 * one.ms);
    // Both passes written (an unwritten one would make it null) and summed: about 2x one pass of 20
    expect(split).toMatchObject({ passes: 2, flat: 0, backwards: 0 });
    expect(split.ms).toBeGreaterThan(1.3 * twenty.ms);
    for (const t of [x, y, scratch]) t.release();
  });

  it('covers batches of more passes than one query set holds, and reuses query sets', async () => {
    const gpu = await getGpu();
    const [x, y] = inputs(gpu);
    const scratch = gpu.empty([1]);
    const split = Array.from({ length: 40 }, () => 1); // 40 passes: two query chunks of 32
    const first = await timed(gpu, x, y, scratch, split);
    expect(first).toMatchObject({ passes: 40, backwards: 0 });
    expect(first!.ms).toBeGreaterThan(0);
    const made = gpu.profiler!.created;
    for (let i = 0; i < 3; i++) expect(await timed(gpu, x, y, scratch, split)).not.toBeNull();
    expect(gpu.profiler!.created, 'query sets reused').toBe(made);
    await expectHolds(gpu, x, 4 * 40);
    for (const t of [x, y, scratch]) t.release();
  });

  it('asks for a timed batch to be submitted first, and refuses gpuTime() on an untimed one', async () => {
    const gpu = await getGpu();
    const b = gpu.batch('untimed');
    b.submit();
    await expect(b.gpuTime()).rejects.toThrow(/not created with \{ timed: true \}/);
    const t = gpu.batch('timed', { timed: true });
    await expect(t.gpuTime()).rejects.toThrow(/submit/);
    t.submit();
    expect(await t.gpuTime()).not.toBeNull(); // an empty pass: written, ~0 ms
  });

  it('releases its query sets with the engine', async () => {
    const gpu = await Gpu.create();
    const b = gpu.batch('timed then destroyed', { timed: true });
    b.submit();
    expect(await b.gpuTime()).not.toBeNull();
    const profiler = gpu.profiler!;
    gpu.destroy();
    expect(() => profiler.stopwatch()).toThrow(/after destroy/);
  });
});

describe('GPU timers over many batches (Gpu.startTimer)', () => {
  it('time every batch made while open, sum them, and stop timing at stop()', async () => {
    const gpu = await getGpu();
    const [x, y] = inputs(gpu);
    gpu.run((b) => add(b, x, y, { inPlace: true })); // warm-up
    const timer = gpu.startTimer();
    expect(() => gpu.startTimer()).toThrow(/already open/);
    for (let i = 0; i < 3; i++) gpu.run((b) => add(b, x, y, { inPlace: true }), `step ${i}`);
    const open = gpu.batch('never submitted'); // skipped, not waited for
    await gpu.sync();
    const total = await timer.stop();
    expect(total).not.toBeNull();
    expect(total!.batches).toBe(3);
    expect(total!.ms).toBeGreaterThan(0);
    open.submit();
    const after = gpu.batch('after stop');
    after.submit();
    await expect(after.gpuTime()).rejects.toThrow(/not created with \{ timed: true \}/);
    const again = gpu.startTimer(); // a stopped timer frees the slot
    expect(await again.stop()).toBeNull(); // nothing timed
    await expectHolds(gpu, x, 4);
    for (const t of [x, y]) t.release();
  });
});

describe('timed batches without timestamp-query', () => {
  it('a GPU timer reports null and leaves batches untimed', async () => {
    const gpu = await getGpu({ disable: ['timestampQuery'] });
    const [x, y] = inputs(gpu);
    const timer = gpu.startTimer();
    const b = gpu.batch('while timing');
    add(b, x, y, { inPlace: true });
    b.submit();
    await expect(b.gpuTime()).rejects.toThrow(/not created with/);
    expect(await timer.stop()).toBeNull();
    await expectHolds(gpu, x, 1);
    for (const t of [x, y]) t.release();
  });


  it('reports no GPU time (null) and still computes the right result', async () => {
    const gpu = await getGpu({ disable: ['timestampQuery'] });
    expect(gpu.features.timestampQuery).toBe(false);
    const [x, y] = inputs(gpu);
    const scratch = gpu.empty([1]);
    expect(await timed(gpu, x, y, scratch, [20])).toBeNull();
    expect(await timed(gpu, x, y, scratch, [3, 2])).toBeNull();
    expect(gpu.profiler, 'no query sets made').toBeNull();
    await expectHolds(gpu, x, 25);
    for (const t of [x, y, scratch]) t.release();
  });
});
