import { describe, expect, it, vi } from 'vitest';
import { CHECK_TIMEOUT_MS } from '../../src/store/deviceSlice.ts';
import { localSettings } from '../../src/store/settings.ts';
import { FakeEngine } from './fakes.ts';
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

  it('a refresh the engine never answers gives up after the timeout, quietly, keeping the last info', async () => {
    const t = makeStudio();
    await t.s().device.check();
    const info = t.s().device.info;
    vi.useFakeTimers();
    try {
      t.engine().deviceInfo = () => new Promise(() => undefined);
      let settled = false;
      const p = t.s().device.refresh().then(() => (settled = true));
      await vi.advanceTimersByTimeAsync(CHECK_TIMEOUT_MS - 1);
      expect(settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      await p;
      expect(settled).toBe(true);
      expect(t.s().device).toMatchObject({ status: 'ready', error: null });
      expect(t.s().device.info).toBe(info);
    } finally {
      vi.useRealTimers();
    }
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

  it('an engine that never answers becomes an error with a way out, not an endless "checking"', async () => {
    vi.useFakeTimers();
    try {
      const engine = new FakeEngine();
      engine.deviceInfo = () => new Promise(() => {});
      const t = makeStudio({ engine });
      const p = t.s().device.check();
      await vi.advanceTimersByTimeAsync(CHECK_TIMEOUT_MS + 10);
      await p;
      expect(t.s().device).toMatchObject({ status: 'error', error: { code: 'internal' } });
      expect(t.s().device.error?.message).toMatch(/did not answer/);
    } finally {
      vi.useRealTimers();
    }
  });

  it('generate and edit refuse to start while the device is lost, keeping the mask', async () => {
    const t = makeStudio();
    await t.s().device.check();
    t.s().device.report({ code: 'device-lost', message: 'The GPU device was lost.' });
    t.s().generate.setPrompt('x');
    await t.s().generate.generate();
    expect(t.s().generate.error?.code).toBe('device-lost');
    t.s().editor.open({ width: 256, height: 256, data: new ArrayBuffer(256 * 256 * 4) }, { name: 'a' });
    t.s().editor.invertMask();
    t.s().editor.setInstruction('y');
    await t.s().editor.applyEdit();
    expect(t.s().editor.error?.message).toMatch(/lost.*mask is kept/);
    expect(t.s().editor.painter!.isEmpty()).toBe(false);
    expect(t.engine().generated).toEqual([]);
  });
});

describe('settings storage', () => {
  it('ignores entries of another schema version and survives a broken one', () => {
    const mem = new Map<string, string>();
    const ls = { getItem: (k: string) => mem.get(k) ?? null, setItem: (k: string, v: string) => void mem.set(k, v) };
    vi.stubGlobal('localStorage', ls);
    try {
      const s = localSettings('k');
      mem.set('k', JSON.stringify({ generate: { prompt: 'old' } }));
      expect(s.load()).toEqual({});
      mem.set('k', '{broken');
      expect(s.load()).toEqual({});
      s.save({ v: 1, activeSetId: 'turbo' });
      expect(s.load()).toEqual({ v: 1, activeSetId: 'turbo' });
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
