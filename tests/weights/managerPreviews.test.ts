// The optional `previews` file (the TAEF1 preview decoder) of a set: downloaded with it, never holding it back.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { UseStore } from 'idb-keyval';
import { BUILTIN_CATALOG, DEFAULT_CAPABILITIES, isOptionalRole } from '../../src/library/catalog.ts';
import { ModelManager } from '../../src/library/manager.ts';
import type { Catalog } from '../../src/library/managerTypes.ts';
import { freshDb, randomBytes, sha, useTestServer } from './managerServer.ts';

const A = randomBytes(20_000, 11);
const P = randomBytes(3_000, 12);
const server = useTestServer();
const roomy = { estimate: async () => ({ usage: 0, quota: 1e12 }) };

function catalog(previewSha = sha(P)): Catalog {
  return {
    version: 1,
    sets: [
      {
        id: 'tiny', label: 'Tiny', description: 'test set', source: 'download', capabilities: DEFAULT_CAPABILITIES,
        files: [
          { role: 'transformer', name: 'dit.gguf', url: `${server.url}/a.bin`, bytes: A.length, sha256: sha(A) },
          { role: 'previews', name: 'taef1/diffusion_pytorch_model.safetensors', url: `${server.url}/p.bin`, bytes: null, sha256: previewSha },
        ],
      },
    ],
  };
}

const manager = (db: UseStore, cat = catalog()) =>
  new ModelManager({ store: db, storage: roomy, catalog: cat, chunkSize: 4096, parallel: 2, retries: 1, retryBaseMs: 5, retryMaxMs: 10, progressIntervalMs: 0, locks: null, offline: null });

describe('model manager: the optional previews file', () => {
  it('is downloaded with the set and opened with it', async () => {
    server.files.set('/a.bin', { data: A });
    server.files.set('/p.bin', { data: P });
    const m = manager(freshDb());
    await m.download('tiny');
    const opened = await m.openSet('tiny');
    expect(opened.set.status).toBe('verified');
    expect(opened.files.map((f) => f.role)).toEqual(['transformer', 'previews']);
    expect((await m.verify('tiny')).ok).toBe(true);
  });

  it('when it cannot be fetched, the set still downloads, is ready, verifies and opens without it', async () => {
    server.files.clear();
    server.files.set('/a.bin', { data: A });
    const m = manager(freshDb());
    const info = await m.download('tiny');
    expect(info.ready).toBe(true);
    expect(info.files.find((f) => f.role === 'previews')?.status).toBe('absent');
    expect((await m.openSet('tiny')).files.map((f) => f.role)).toEqual(['transformer']);
    expect((await m.verify('tiny')).ok).toBe(true);
    // Served later: downloading the ready set again fetches just the missing decoder.
    server.files.set('/p.bin', { data: P });
    await m.download('tiny');
    expect((await m.openSet('tiny')).files.map((f) => f.role)).toEqual(['transformer', 'previews']);
  });

  it('the built-in Turbo and base sets carry the TAEF1 decoder as an optional file', () => {
    expect(isOptionalRole('previews')).toBe(true);
    for (const s of BUILTIN_CATALOG.sets) {
      const p = s.files.filter((f) => f.role === 'previews');
      expect(p.length, s.id).toBe(1);
      if (s.source === 'download') expect(p[0].url).toBe('https://huggingface.co/madebyollin/taef1/resolve/main/diffusion_pytorch_model.safetensors');
    }
  });
});
