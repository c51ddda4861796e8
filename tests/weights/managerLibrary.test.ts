// Model manager: catalog validation, sources by URL, local import, verify, delete, embedded sets, pause/resume.
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { set as idbSet } from 'idb-keyval';
import { ModelManager, type ModelManagerOptions } from '../../src/library/manager.ts';
import { BUILTIN_CATALOG, DEFAULT_CAPABILITIES, guessRole, validateCatalog } from '../../src/library/catalog.ts';
import type { Catalog, Inspector } from '../../src/library/managerTypes.ts';
import { SOURCE_TIMEOUT_MS } from '../../src/library/sources.ts';
import { inspectFile } from '../../src/worker/modelsApi.ts';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { goldenBytes, goldenDir, splitSafetensors } from './builders.ts';
import { freshDb, randomBytes, sha, useTestServer } from './managerServer.ts';

const CHUNK = 1024; // bytes
const A = randomBytes(10_000, 3);

const server = useTestServer();

function testCatalog(): Catalog {
  return {
    version: 1,
    sets: [
      { id: 'one', label: 'One', description: '', source: 'download', capabilities: DEFAULT_CAPABILITIES, files: [{ role: 'transformer', name: 'a.gguf', url: `${server.url}/a.gguf`, bytes: A.length }] },
      {
        id: 'selftest', label: 'Self-test', description: '', source: 'embedded', selfTest: true, capabilities: DEFAULT_CAPABILITIES,
        files: [{ role: 'transformer', name: 'tiny.gguf', url: './models/selftest/tiny.gguf', bytes: 2000, sha256: sha(A.subarray(0, 2000)) }],
      },
    ],
  };
}

function manager(opts: Partial<ModelManagerOptions> = {}): ModelManager {
  return new ModelManager({
    store: freshDb(), storage: { estimate: async () => ({ usage: 0, quota: 1e12 }) }, catalog: testCatalog(), chunkSize: CHUNK,
    retries: 2, retryBaseMs: 5, retryMaxMs: 10, progressIntervalMs: 0, baseUrl: `${server.url}/app/`, ...opts,
  });
}


describe('catalog', () => {
  it('the built-in catalog is valid and names the real sources', () => {
    const ids = BUILTIN_CATALOG.sets.map((s) => s.id);
    expect(ids).toEqual(['zimage-turbo-q4', 'zimage-turbo-diffusers', 'zimage-base', 'selftest']);
    const turbo = BUILTIN_CATALOG.sets[0];
    expect(turbo.default).toBe(true);
    expect(turbo.files.find((f) => f.role === 'transformer')).toMatchObject({ name: 'z_image_turbo-Q4_0.gguf', bytes: 3_683_370_944 });
    // The publisher's listing; the realfiles manifest's summarised metadata comes out 64 bytes longer.
    expect(turbo.files.find((f) => f.role === 'text_encoder')).toMatchObject({ name: 'Qwen3-4B-Q4_K_M.gguf', bytes: 2_497_280_256 });
    // Every other weight file's size is the published one recorded in shared/realfiles.
    const realfiles = join(goldenDir(), '../realfiles');
    let checked = 0;
    for (const s of BUILTIN_CATALOG.sets.filter((x) => x.source === 'download'))
      for (const f of s.files) {
        const manifest = [join(realfiles, `${f.name}.json`), join(realfiles, 'diffusers', `${f.name}.json`)].find((p) => existsSync(p));
        if (!manifest || !s.homepage?.endsWith('Z-Image-Turbo') || f.name === 'Qwen3-4B-Q4_K_M.gguf') continue;
        expect(f.bytes, `${s.id} ${f.name}`).toBe((JSON.parse(readFileSync(manifest, 'utf8')) as { size: number }).size);
        checked++;
      }
    expect(checked).toBe(9);
    for (const s of BUILTIN_CATALOG.sets.filter((x) => x.source === 'download'))
      for (const f of s.files) expect(f.url).toMatch(/^https:\/\/huggingface\.co\/[^/]+\/[^/]+\/resolve\/main\//);
    expect(BUILTIN_CATALOG.sets[3]).toMatchObject({ source: 'embedded', selfTest: true });
  });

  it('reports every problem of a bad catalog with its path', () => {
    const bad = { version: 1, sets: [{ id: 'Bad Id', label: '', files: [{ role: 'dit', name: '../x', url: 'ftp://x/y', bytes: -1, sha256: 'abc' }] }] };
    let msg = '';
    try {
      validateCatalog(bad, 'The catalog');
    } catch (e) {
      msg = (e as Error).message;
    }
    for (const part of ['sets[0].id', 'sets[0].label', 'files[0].role', 'files[0].name', 'files[0].url', 'files[0].bytes', 'files[0].sha256'])
      expect(msg).toContain(part);
    expect(() => validateCatalog({ hello: 1 }, 'X')).toThrow(/not a model catalog/);
    expect(() => validateCatalog({ sets: [{ id: 'e', label: 'E', source: 'embedded', files: [{ role: 'vae', name: 'v', url: './v' }] }] }, 'X')).toThrow(/embedded/);
  });

  it('guesses roles from names and diffusers paths', () => {
    expect(guessRole('z_image_turbo-Q4_0.gguf')).toBe('transformer');
    expect(guessRole('Qwen3-4B-Q4_K_M.gguf')).toBe('text_encoder');
    expect(guessRole('ae.safetensors')).toBe('vae');
    expect(guessRole('vae/diffusion_pytorch_model.safetensors')).toBe('vae');
    expect(guessRole('text_encoder/model-00001-of-00003.safetensors')).toBe('text_encoder');
    expect(guessRole('tokenizer/tokenizer.json')).toBe('tokenizer');
    expect(guessRole('transformer/config.json')).toBe('config');
  });
});

describe('sources by URL', () => {
  it('adds a catalog JSON, resolving relative URLs against it, and a single file swapped into a set', async () => {
    server.files.set('/a.gguf', { data: A });
    const mirror = { version: 1, sets: [{ id: 'mirror', label: 'Mirror', files: [{ role: 'transformer', name: 'a.gguf', url: '../a.gguf', bytes: A.length, sha256: sha(A) }] }] };
    server.files.set('/cat/mirror.json', { data: new TextEncoder().encode(JSON.stringify(mirror)), contentType: 'application/json' });
    const m = manager();
    const added = await m.addSource(`${server.url}/cat/mirror.json`);
    expect(added.map((s) => s.id)).toEqual(['mirror']);
    expect((await m.list()).map((s) => s.id)).toContain('mirror');
    expect((await m.download('mirror')).status).toBe('verified');

    server.files.set('/q8.gguf', { data: A.subarray(0, 3000) });
    const [swapped] = await m.addSource(`${server.url}/q8.gguf`, { baseSetId: 'one' });
    expect(swapped.files).toEqual([expect.objectContaining({ name: 'q8.gguf', role: 'transformer', bytes: 3000 })]);
    expect(swapped.origin).toBe('custom');
    await m.removeSource('mirror');
    expect((await m.list()).map((s) => s.id)).not.toContain('mirror');
    await expect(m.removeSource('one')).rejects.toMatchObject({ code: 'bad-request' });
  });

  it('refuses bad addresses and bad catalogs with clear errors', async () => {
    const m = manager();
    await expect(m.addSource('not a url')).rejects.toMatchObject({ code: 'bad-request', message: expect.stringMatching(/not a web address/) });
    await expect(m.addSource('file:///etc/x.gguf')).rejects.toMatchObject({ code: 'bad-request' });
    await expect(m.addSource(`${server.url}/x.zip`)).rejects.toMatchObject({ message: expect.stringMatching(/neither/) });
    server.files.set('/broken.json', { data: new TextEncoder().encode('{ "sets": [') });
    await expect(m.addSource(`${server.url}/broken.json`)).rejects.toMatchObject({ code: 'bad-request', message: expect.stringMatching(/not valid JSON/) });
    const clash = { sets: [{ id: 'one', label: 'Clash', files: [{ role: 'vae', name: 'v.safetensors', url: 'https://huggingface.co/org/repo/resolve/main/v.safetensors' }] }] };
    server.files.set('/clash.json', { data: new TextEncoder().encode(JSON.stringify(clash)) });
    await expect(m.addSource(`${server.url}/clash.json`)).rejects.toMatchObject({ message: expect.stringMatching(/already taken/) });
    await expect(m.addSource(`${server.url}/missing.gguf`)).rejects.toMatchObject({ code: 'network' });
  });
});

describe('sources by URL: timeouts, HTTP failures, size cap', () => {
  const json = (text: string) => new Response(new Blob([text]).stream(), { status: 200 }); // no Content-Length
  afterEach(() => vi.useRealTimers()); // also when a test times out with the clock faked

  it('a server that does not answer within 60 s is a network error that says so, not a pause', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const hang: typeof fetch = (_input, init) =>
        new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason), { once: true }));
      const m = manager({ fetch: hang });
      await m.list(); // the store is ready before the clock is moved
      for (const url of [`${server.url}/slow.json`, `${server.url}/slow.gguf`]) {
        let outcome: unknown = null;
        const added = m.addSource(url).then(
          () => (outcome = 'resolved'),
          (e: unknown) => (outcome = e),
        );
        // The store's own work may wait on timers too: step the clock until the source gives up.
        let waited = 0; // ms
        while (outcome === null && waited < 2 * SOURCE_TIMEOUT_MS) {
          await vi.advanceTimersByTimeAsync(1000);
          waited += 1000;
        }
        await added;
        expect(waited).toBeGreaterThanOrEqual(SOURCE_TIMEOUT_MS);
        expect(outcome).toMatchObject({ code: 'network', message: expect.stringMatching(/did not answer within 60 s/) });
      }
    } finally {
      vi.useRealTimers();
    }
  });

  it('a catalog answer is judged like a download: 5xx is retried, 404 is a network error', async () => {
    const good = { version: 1, sets: [{ id: 'flaky', label: 'Flaky', files: [{ role: 'vae', name: 'v.safetensors', url: 'https://example.com/v.safetensors' }] }] };
    let calls = 0;
    const flaky: typeof fetch = async () => (++calls === 1 ? new Response('busy', { status: 503, statusText: 'Service Unavailable' }) : json(JSON.stringify(good)));
    expect((await manager({ fetch: flaky }).addSource('https://example.com/flaky.json')).map((s) => s.id)).toEqual(['flaky']);
    expect(calls).toBe(2);
    await expect(manager().addSource(`${server.url}/none.json`)).rejects.toMatchObject({ code: 'network', message: expect.stringMatching(/HTTP 404 .*may be wrong/) });
  });

  it('caps a catalog at 1 MiB of bytes while reading, with or without Content-Length', async () => {
    const wide = JSON.stringify({ version: 1, sets: [], note: 'é'.repeat(600_000) }); // 600 k characters, 1.2 MB
    expect(wide.length).toBeLessThan(1024 * 1024);
    const m = manager({ fetch: async () => json(wide) });
    await expect(m.addSource('https://example.com/wide.json')).rejects.toMatchObject({ code: 'bad-request', message: expect.stringMatching(/too large for a catalog/) });
    server.files.set('/big.json', { data: new TextEncoder().encode(wide) });
    await expect(manager().addSource(`${server.url}/big.json`)).rejects.toMatchObject({ code: 'bad-request', message: expect.stringMatching(/bytes: too large/) });
  });
});

describe('local import', () => {
  const inspector: Inspector = async (files) =>
    files.some((f) => f.name.includes('bad')) ? { ok: false, message: 'no tensors found' } : { ok: true, summary: `${files.reduce((n, f) => n + f.file.size, 0)} bytes` };

  it('imports a diffusers folder: strips the top folder, skips extras, stores chunked, verified', async () => {
    const files = {
      'Z-Image-Turbo/transformer/diffusion_pytorch_model-00001-of-00002.safetensors': randomBytes(5000, 11),
      'Z-Image-Turbo/transformer/diffusion_pytorch_model-00002-of-00002.safetensors': randomBytes(777, 12),
      'Z-Image-Turbo/transformer/config.json': new TextEncoder().encode('{"dim":3840}'),
      'Z-Image-Turbo/vae/diffusion_pytorch_model.safetensors': randomBytes(2048, 13),
      'Z-Image-Turbo/tokenizer/tokenizer.json': randomBytes(100, 14),
      'Z-Image-Turbo/README.md': randomBytes(10, 15),
    };
    const m = manager({ inspector });
    const info = await m.importFiles(Object.entries(files).map(([name, d]) => ({ name, file: new Blob([d as BlobPart]) })), { label: 'My Turbo' });
    expect(info).toMatchObject({ status: 'verified', ready: true, origin: 'import', source: 'import', quantizeOnLoad: true, label: 'My Turbo' });
    expect(info.files.map((f) => [f.name, f.role])).toEqual([
      ['transformer/diffusion_pytorch_model-00001-of-00002.safetensors', 'transformer'],
      ['transformer/diffusion_pytorch_model-00002-of-00002.safetensors', 'transformer'],
      ['transformer/config.json', 'config'],
      ['vae/diffusion_pytorch_model.safetensors', 'vae'],
      ['tokenizer/tokenizer.json', 'tokenizer'],
    ]);
    const d0 = files['Z-Image-Turbo/transformer/diffusion_pytorch_model-00001-of-00002.safetensors'];
    expect(info.files[0].sha256).toBe(sha(d0));
    const blob = await m.openStoredFile(info.id, info.files[0].name);
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(d0);
    expect(new Uint8Array(await blob.slice(1000, 3000).arrayBuffer())).toEqual(d0.subarray(1000, 3000)); // across chunks
    expect((await m.verify(info.id)).ok).toBe(true);
    await m.delete(info.id);
    expect((await m.list()).map((s) => s.id)).not.toContain(info.id);
  });

  it('refuses a file the inspector rejects, storing nothing; refuses an import that does not fit', async () => {
    const m = manager({ inspector });
    await expect(m.importFiles([{ name: 'bad.gguf', file: new Blob([randomBytes(10, 1)]) }])).rejects.toMatchObject({ code: 'bad-model-file', message: expect.stringMatching(/no tensors/) });
    await expect(m.importFiles([{ name: 'notes.txt', file: new Blob(['x']) }])).rejects.toMatchObject({ code: 'bad-request' });
    expect((await m.list()).filter((s) => s.origin === 'import')).toHaveLength(0);
    const tight = manager({ inspector, storage: { estimate: async () => ({ usage: 100, quota: 1000 }) } });
    await expect(tight.importFiles([{ name: 'dit.gguf', file: new Blob([randomBytes(5000, 2)]) }])).rejects.toMatchObject({ code: 'storage-quota' });
  });
});

describe('local import with the real inspector', () => {
  const te = goldenBytes('text_encoder.safetensors'); // a complete (tiny) Qwen3 text encoder
  const [s1, s2] = splitSafetensors(te, 2);
  const item = (name: string, d: Uint8Array) => ({ name, file: new Blob([d as BlobPart]) });
  const tok = item('Z/tokenizer/tokenizer.json', new TextEncoder().encode('{}'));

  it('accepts a network split into two shards, inspected together as one model', async () => {
    const m = manager({ inspector: inspectFile });
    const info = await m.importFiles([
      item('Z/text_encoder/model-00001-of-00002.safetensors', s1),
      item('Z/text_encoder/model-00002-of-00002.safetensors', s2),
      tok,
    ]);
    expect(info).toMatchObject({ status: 'verified', ready: true, origin: 'import' });
    expect(info.description).toMatch(/text_encoder\/model-00001-of-00002\.safetensors \(\+1 more shard\): safetensors qwen3 \(hf\), 35 tensors, 2 shards/);
    expect(info.files.filter((f) => f.role === 'text_encoder').map((f) => f.sha256)).toEqual([sha(s1), sha(s2)]);
  });

  it('refuses a set with a shard missing, naming it once; stores nothing', async () => {
    const m = manager({ inspector: inspectFile });
    const only1 = m.importFiles([item('Z/text_encoder/model-00001-of-00002.safetensors', s1), tok]);
    await expect(only1).rejects.toMatchObject({
      code: 'bad-model-file',
      message: 'text_encoder/model is split into 2 shards but text_encoder/model-00002-of-00002.safetensors is missing; choose all 2 shard files.',
    });
    // Shards named some other way: the joined model lacks tensors, and the file is named once.
    const odd = m.importFiles([item('Z/text_encoder/part-a.safetensors', s1), tok]);
    await expect(odd).rejects.toMatchObject({ code: 'bad-model-file', message: expect.stringMatching(/^text_encoder\/part-a\.safetensors cannot be used: (?!.*part-a).*missing /) });
    // A damaged shard is named in the message.
    const broken = m.importFiles([item('Z/text_encoder/a.safetensors', s1), item('Z/text_encoder/b.safetensors', s2.subarray(0, 4)), tok]);
    await expect(broken).rejects.toMatchObject({ code: 'bad-model-file', message: expect.stringMatching(/^text_encoder\/a\.safetensors \(\+1 more shard\) cannot be used: text_encoder\/b\.safetensors/) });
    expect((await m.list()).filter((s) => s.origin === 'import')).toHaveLength(0);
  });
});

describe('verify, delete, pause, embedded', () => {
  it('verify re-hashes; a damaged stored chunk is reported and discarded; delete frees the set', async () => {
    server.files.set('/a.gguf', { data: A });
    const db = freshDb();
    const m = manager({ store: db });
    await m.download('one');
    expect(await m.verify('one')).toMatchObject({ ok: true, files: [{ name: 'a.gguf', ok: true, sha256: sha(A) }] });
    const bad = A.slice(2 * CHUNK, 3 * CHUNK);
    bad[5] ^= 1;
    await idbSet(['chunk', 'one', 'a.gguf', 2], new Blob([bad]), db);
    const report = await m.verify('one');
    expect(report.ok).toBe(false);
    expect(report.files[0].message).toMatch(/discarded/);
    const info = await m.get('one');
    expect(info).toMatchObject({ ready: false, status: 'absent', lastError: { code: 'integrity' } });
    await m.download('one');
    expect((await m.get('one')).status).toBe('verified');
    await m.delete('one');
    expect(await m.get('one')).toMatchObject({ status: 'absent', storedBytes: 0 });
  });

  it('pause stops a running download, resume finishes it', async () => {
    server.files.set('/a.gguf', { data: A, delayMs: 20 });
    const m = manager({ parallel: 1 });
    let busy = false;
    let paused: Promise<void> | null = null;
    const run = m.download('one', (p) => {
      if (p.set.bytes < 3 * CHUNK || paused) return;
      paused = m.get('one').then((i) => {
        busy = i.busy;
        return m.pause('one');
      });
    });
    await expect(run).rejects.toMatchObject({ code: 'cancelled' });
    await paused;
    expect(busy).toBe(true);
    const mid = await m.get('one');
    expect(mid.status).toBe('partial');
    expect(mid.busy).toBe(false);
    expect((await m.resume('one')).status).toBe('verified');
  });

  it('embedded sets are ready without download and read from the app origin, checked against their hash', async () => {
    server.files.set('/app/models/selftest/tiny.gguf', { data: A.subarray(0, 2000) });
    const m = manager();
    const st = await m.get('selftest');
    expect(st).toMatchObject({ status: 'embedded', ready: true, selfTest: true });
    const opened = await m.openSet('selftest');
    expect(new Uint8Array(await opened.files[0].blob.arrayBuffer())).toEqual(A.subarray(0, 2000));
    server.files.set('/app/models/selftest/tiny.gguf', { data: A.subarray(0, 2000), corruptAt: 7 });
    await expect(m.openStoredFile('selftest', 'tiny.gguf')).rejects.toMatchObject({ code: 'integrity' });
    await expect(m.openSet('one')).rejects.toMatchObject({ code: 'integrity' });
  });
});
