import { describe, expect, it } from 'vitest';
import { ModelHost } from '../../src/worker/jobs.ts';

interface FakeGpu {
  id: number;
  lost: Error | null;
}

function fixture() {
  const gpus: FakeGpu[] = [];
  const loads: { gpu: number; setId: string }[] = [];
  const released: string[] = [];
  const host = new ModelHost<FakeGpu, { setId: string; gpu: number }>({
    createGpu: async () => {
      const g = { id: gpus.length, lost: null };
      gpus.push(g);
      return g;
    },
    load: async (g, setId) => {
      loads.push({ gpu: g.id, setId });
      return { setId, gpu: g.id };
    },
    release: (m) => released.push(m.setId),
    fallbackSetId: 'selftest',
  });
  return { host, gpus, loads, released };
}

describe('ModelHost: the worker’s device and loaded model set', () => {
  it('a job runs on the loaded set and device, without reloading', async () => {
    const { host, loads } = fixture();
    await host.load('turbo');
    const { gpu, model } = await host.forJob();
    expect(model).toEqual({ setId: 'turbo', gpu: 0 });
    expect(gpu.id).toBe(0);
    expect(loads).toHaveLength(1);
  });

  it('after a device loss a job re-creates the device and reloads the last loaded set on it (not the self-test)', async () => {
    const { host, gpus, loads, released } = fixture();
    await host.load('turbo');
    gpus[0].lost = new Error('device lost');
    const { gpu, model } = await host.forJob();
    expect(gpus).toHaveLength(2);
    expect(gpu.id).toBe(1);
    expect(model).toEqual({ setId: 'turbo', gpu: 1 });
    expect(loads).toEqual([
      { gpu: 0, setId: 'turbo' },
      { gpu: 1, setId: 'turbo' },
    ]);
    expect(released).toEqual([]); // nothing to release on a dead device
  });

  it('a job with nothing ever loaded loads the fallback set', async () => {
    const { host, loads } = fixture();
    const { model } = await host.forJob();
    expect(model.setId).toBe('selftest');
    expect(loads).toEqual([{ gpu: 0, setId: 'selftest' }]);
  });

  it('a job after an unload reloads the last set', async () => {
    const { host, released } = fixture();
    await host.load('turbo');
    host.unload();
    expect(released).toEqual(['turbo']);
    expect(host.current).toBeNull();
    expect((await host.forJob()).model.setId).toBe('turbo');
  });

  it('loading the same set again is a no-op, unless its device was lost; another set releases the first', async () => {
    const { host, gpus, loads, released } = fixture();
    await host.load('turbo');
    await host.load('turbo');
    expect(loads).toHaveLength(1);
    gpus[0].lost = new Error('lost');
    expect(host.current?.setId).toBe('turbo'); // CPU parts (the tokenizer) stay usable until the next ensureGpu()
    await host.load('turbo');
    expect(loads).toEqual([
      { gpu: 0, setId: 'turbo' },
      { gpu: 1, setId: 'turbo' },
    ]);
    await host.load('base');
    expect(released).toEqual(['turbo']);
    expect(host.current?.setId).toBe('base');
  });
});
