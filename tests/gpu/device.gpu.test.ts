import { describe, expect, it } from 'vitest';
import { Gpu } from '../../src/engine/gpu.ts';
import { sizeClass } from '../../src/engine/pool.ts';
import { getGpu } from './harness.ts';
import { composeShader, part } from '../../src/engine/compose.ts';

describe('engine runtime: limits, pool accounting, pipeline cache, device loss', () => {
  it('requests the adapter’s own limits', async () => {
    const gpu = await getGpu();
    const adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
    expect(gpu.limits.maxStorageBufferBindingSize).toBe(adapter!.limits.maxStorageBufferBindingSize);
    expect(gpu.limits.maxBufferSize).toBe(adapter!.limits.maxBufferSize);
  });

  it('accounts pooled bytes exactly and reuses released buffers of the same class', async () => {
    const gpu = await Gpu.create();
    const s0 = gpu.pool.stats();
    const a = gpu.empty([1000]); // 4000 bytes -> class 4096
    const b = gpu.empty([3000]); // 12000 bytes -> class 12288
    expect(gpu.pool.stats().inUseBytes - s0.inUseBytes).toBe(sizeClass(4000) + sizeClass(12000));
    const bufA = a.data;
    a.release();
    expect(gpu.pool.stats().pooledBytes).toBe(sizeClass(4000));
    const c = gpu.empty([900]); // same class: reuses a's buffer
    expect(c.data).toBe(bufA);
    expect(() => a.data).toThrow(/after release/);
    b.release();
    c.release();
    expect(gpu.pool.stats().inUseBytes).toBe(s0.inUseBytes);
    expect(gpu.pool.stats().peakBytes).toBeGreaterThanOrEqual(sizeClass(4000) + sizeClass(12000));
    gpu.pool.trim();
    expect(gpu.pool.stats().pooledBytes).toBe(0);
    gpu.destroy();
  });

  it('refuses a tensor larger than one storage binding with a typed limits error', async () => {
    const gpu = await getGpu();
    const elements = gpu.limits.maxStorageBufferBindingSize / 4 + 1024;
    expect(() => gpu.empty([elements])).toThrow(expect.objectContaining({ code: 'limits' }));
  });

  it('turns a GPU error inside an error scope into a typed error instead of an uncaptured one', async () => {
    const gpu = await getGpu();
    const tooBig = () => gpu.device.createBuffer({ size: gpu.limits.maxBufferSize + 4, usage: GPUBufferUsage.STORAGE });
    await expect(gpu.checked('a buffer past maxBufferSize', gpu.limits.maxBufferSize + 4, tooBig)).rejects.toMatchObject({ code: expect.stringMatching(/validation|out-of-memory/) });
    const small = await gpu.checked('a small upload', 16, () => gpu.upload(new Float32Array(4), [4]));
    expect(small.isReleased).toBe(false);
    small.release();
  });

  it('caches pipelines: the same kernel and constants compile once', async () => {
    const gpu = await getGpu();
    const { eulerStep } = await import('../../src/engine/kernels/eulerStep.ts');
    const z = gpu.upload(new Float32Array(8), [8]);
    const v = gpu.upload(new Float32Array(8), [8]);
    gpu.run((b) => eulerStep(b, z, v, 0.1));
    const n = gpu.pipelines.compiled;
    gpu.run((b) => {
      for (let i = 0; i < 5; i++) eulerStep(b, z, v, 0.1);
    });
    expect(gpu.pipelines.compiled).toBe(n);
    z.release();
    v.release();
  });

  it('reports a kernel that fails to build as a typed error naming it, at the next sync, not as an uncaptured error', async () => {
    const gpu = await Gpu.create(); // its own device: the failure is sticky
    const broken = { shader: composeShader('broken_kernel', {}, [part('broken_kernel', '@compute @workgroup_size(1) fn main() { let x: u32 = 1.5; }')]) };
    gpu.pipelines.get(broken);
    await expect(gpu.sync()).rejects.toMatchObject({ code: 'validation', message: expect.stringContaining('broken_kernel') });
    expect(gpu.uncapturedErrors).toEqual([]);
    gpu.destroy();
  });

  it('builds valid kernels without a failure to report', async () => {
    const gpu = await getGpu();
    gpu.pipelines.get({ shader: composeShader('fine_kernel', {}, [part('fine_kernel', '@compute @workgroup_size(1) fn main() {}')]) });
    await gpu.sync();
    expect(gpu.pipelines.failure).toBeNull();
  });

  it('reports a lost device as a typed error, and a new device can be created after it', async () => {
    const gpu = await Gpu.create();
    gpu.device.destroy();
    await expect.poll(() => gpu.lost?.code).toBe('device-lost');
    expect(() => gpu.batch()).toThrow(expect.objectContaining({ code: 'device-lost' }));
    const again = await Gpu.create();
    expect(again.lost).toBeNull();
    again.destroy();
  });
});
