// "Add ControlNet": a catalog ControlNet joins a stored Turbo set and comes down through the set's own resumable,
// verified download, against a real local HTTP server, into fake-indexeddb.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CAPABILITIES } from '../../src/library/catalog.ts';
import type { ControlNetEntry } from '../../src/library/controlCatalog.ts';
import { ModelManager } from '../../src/library/manager.ts';
import type { Catalog } from '../../src/library/managerTypes.ts';
import { toSetInfo } from '../../src/worker/modelsApi.ts';
import { freshDb, randomBytes, sha, useTestServer } from './managerServer.ts';

const A = randomBytes(20_000, 3);
const CN = randomBytes(30_000, 4);
const server = useTestServer();
const roomy = { estimate: async () => ({ usage: 0, quota: 1e12 }) };

const catalog = (): Catalog => ({
  version: 1,
  sets: [{ id: 'turbo', label: 'Turbo', description: '', source: 'download', capabilities: DEFAULT_CAPABILITIES, files: [{ role: 'transformer', name: 'dit.gguf', url: `${server.url}/a.bin`, bytes: A.length, sha256: sha(A) }] }],
});
const entry = (): ControlNetEntry => ({ id: 'cn', label: 'CN', description: '', homepage: '', config: {}, file: { name: 'cn.safetensors', url: `${server.url}/cn.bin`, bytes: null, sha256: sha(CN) } });

describe('Add ControlNet', () => {
  it('refuses a set not stored yet; on a stored one the file joins the set, downloads verified, and the offer goes away', async () => {
    server.files.set('/a.bin', { data: A });
    server.files.set('/cn.bin', { data: CN });
    const db = freshDb();
    const m = new ModelManager({ store: db, storage: roomy, catalog: catalog(), chunkSize: 4096, retries: 2, retryBaseMs: 5, retryMaxMs: 20, progressIntervalMs: 0 });
    await expect(m.addControlNet('turbo', entry())).rejects.toThrow(/Download "Turbo" first/);
    await m.download('turbo');
    expect(toSetInfo(await m.get('turbo')).controlNetOffer).toBeDefined(); // the built-in catalog's entry
    const added = await m.addControlNet('turbo', entry());
    expect(added.status).toBe('partial');
    expect(added.files.map((f) => [f.name, f.role])).toEqual([['dit.gguf', 'transformer'], ['cn.safetensors', 'controlnet']]);
    await m.download('turbo'); // the set's own path: the verified DiT is skipped, the ControlNet fetched and hashed
    const set = await m.get('turbo');
    expect(set.status).toBe('verified');
    expect(new Uint8Array(await (await m.openStoredFile('turbo', 'cn.safetensors')).arrayBuffer())).toEqual(CN);
    expect(toSetInfo(set).controlNetOffer).toBeUndefined();
    await expect(m.addControlNet('turbo', entry())).rejects.toThrow(/already has a ControlNet/);
    // A fresh manager on the same database still sees the add-on.
    const again = new ModelManager({ store: db, storage: roomy, catalog: catalog(), chunkSize: 4096 });
    expect((await again.get('turbo')).files.map((f) => f.name)).toContain('cn.safetensors');
  });
});
