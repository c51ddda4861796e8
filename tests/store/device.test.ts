import { describe, expect, it } from 'vitest';
import { makeStudio } from './fakes.ts';

describe('device slice', () => {
  it('without WebGPU it says so and starts no engine', async () => {
    const t = makeStudio({ hasWebGpu: () => false });
    await t.s().device.check();
    expect(t.s().device.status).toBe('error');
    expect(t.s().device.error?.code).toBe('webgpu-unavailable');
    expect(t.s().device.error?.message).toMatch(/WebGPU is not available.*Chrome or Edge/);
    expect(t.engines.length).toBe(0);
  });

  it('reports the adapter and refreshes memory figures', async () => {
    const t = makeStudio();
    await t.s().device.check();
    expect(t.s().device.status).toBe('ready');
    expect(t.s().device.info?.adapter.description).toBe('SwiftShader');
    t.engine().deviceResult = { ok: true, value: { ...t.s().device.info!, memory: { inUseBytes: 5, pooledBytes: 0, peakBytes: 9 } } };
    await t.s().device.refresh();
    expect(t.s().device.info?.memory.peakBytes).toBe(9);
  });

  it('limits too small is an error state with the engine\'s explanation', async () => {
    const t = makeStudio();
    await t.s().device.check();
    t.engine().deviceResult = { ok: false, error: { code: 'limits', message: 'maxBufferSize 128 MiB is below the 256 MiB needed.' } };
    await t.s().device.check();
    expect(t.s().device).toMatchObject({ status: 'error', error: { code: 'limits' } });
  });

  it('after a device loss, Restart engine stops the worker, abandons the hung job and starts afresh', async () => {
    const t = makeStudio();
    await t.s().device.check();
    const first = t.engine();
    first.gate = new Promise(() => {}); // a job that never finishes (the worker is gone)
    t.s().generate.setPrompt('x');
    const hung = t.s().generate.generate();
    for (let i = 0; i < 20 && t.s().generate.status !== 'running'; i++) await new Promise((r) => setTimeout(r, 0));
    expect(t.s().generate.status).toBe('running');
    t.s().device.report({ code: 'device-lost', message: 'The GPU device was lost (driver reset).' });
    expect(t.s().device.status).toBe('lost');
    await t.s().device.restart();
    expect(t.terminated).toEqual([first]);
    expect(t.engines.length).toBe(2);
    expect(t.s().device.status).toBe('ready');
    expect(t.s().generate.status).toBe('idle');
    void hung;
  });
});
