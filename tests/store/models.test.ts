import { describe, expect, it } from 'vitest';
import { createWorkerModelsAdapter } from '../../src/store/modelsAdapter.ts';
import type { EngineClient } from '../../src/worker/client.ts';
import { FakeModels, makeStudio } from './fakes.ts';

describe('models slice', () => {
  it('lists sets and storage, and picks the embedded set while nothing else is ready', async () => {
    const t = makeStudio();
    const m = () => t.s().models;
    await m().refresh();
    expect(m().sets.map((s) => s.id)).toEqual(['selftest', 'turbo']);
    expect(m().storage?.quotaBytes).toBe(100e9);
    expect(m().wantedSetId()).toBe('selftest');
  });

  it('downloads with progress, then prefers the catalog default and loads it', async () => {
    const models = new FakeModels();
    const t = makeStudio({ models });
    const m = () => t.s().models;
    await m().refresh();
    let seen = false;
    const unsub = t.store.subscribe((s) => (seen ||= s.models.transfers.turbo?.bytesDone === 3e9));
    await m().download('turbo');
    unsub();
    expect(seen).toBe(true);
    expect(m().transfers).toEqual({});
    expect(m().sets.find((s) => s.id === 'turbo')?.status).toBe('verified');
    expect(m().wantedSetId()).toBe('turbo');
    const loaded = await m().ensureLoaded();
    expect(loaded?.setId).toBe('turbo');
    expect(t.s().generate.params.steps).toBe(8);
  });

  it('refuses a download that cannot fit, before starting it', async () => {
    const models = new FakeModels();
    models.storageInfo = { usedBytes: 9e9, quotaBytes: 10e9, persisted: false };
    const t = makeStudio({ models });
    await t.s().models.refresh();
    await t.s().models.download('turbo');
    expect(models.calls).toEqual([]);
    expect(t.s().models.setErrors.turbo?.code).toBe('storage-quota');
    expect(t.s().models.setErrors.turbo?.message).toMatch(/needs 6.0 GB more/);
    expect(t.s().device.storageError?.code).toBe('storage-quota');
  });

  it('a paused download is not an error; a failed verification is an integrity error', async () => {
    const models = new FakeModels();
    models.downloadResult = { ok: false, error: { code: 'cancelled', message: 'paused' } };
    models.verifyResult = { ok: true, value: { ok: false, badFiles: ['vae.safetensors'] } };
    const t = makeStudio({ models });
    await t.s().models.refresh();
    await t.s().models.download('turbo');
    expect(t.s().models.setErrors).toEqual({});
    await t.s().models.verify('turbo');
    expect(t.s().models.setErrors.turbo).toMatchObject({ code: 'integrity' });
    expect(t.s().models.setErrors.turbo.message).toMatch(/vae.safetensors/);
  });

  it('deleting the active, loaded set unloads it and forgets the choice', async () => {
    const t = makeStudio();
    const m = () => t.s().models;
    await m().activate('turbo');
    expect(m().loaded?.setId).toBe('turbo');
    expect(t.settings.current.activeSetId).toBe('turbo');
    await m().remove('turbo');
    expect(m().loaded).toBeNull();
    expect(m().activeSetId).toBeNull();
    expect(t.engine().calls.some((c) => c.method === 'unloadModel')).toBe(true);
    expect(m().sets.map((s) => s.id)).toEqual(['selftest']);
  });

  it('shows import failures', async () => {
    const t = makeStudio();
    const file = new File([new Uint8Array(8)], 'x.gguf');
    expect(await t.s().models.importFiles([{ file, path: 'x.gguf' }])).toBeNull();
    expect(t.s().models.importError?.code).toBe('bad-model-file');
    expect(t.s().models.importing).toBeNull();
  });

  it('the worker adapter turns a rejected call (a crashed worker) into an error result', async () => {
    const remote = new Proxy({}, { get: () => async () => Promise.reject(new Error('Worker terminated')) }) as unknown as EngineClient;
    const a = createWorkerModelsAdapter(remote);
    const r = await a.listSets();
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toEqual({ code: 'internal', message: 'Unexpected error: Worker terminated' });
  });
});
