// Hostile links against the model library, over a real server on 127.0.0.1: addresses that are not https or carry
// credentials, redirects to another scheme and redirect loops, web pages instead of files, never-ending bodies,
// offline-only mode, and two tabs downloading the same set. Each ends in one clear error and leaves storage as it was.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { UseStore } from 'idb-keyval';
import { DEFAULT_CAPABILITIES } from '../../src/library/catalog.ts';
import { memoryLocks } from '../../src/library/locks.ts';
import { ModelManager, type ModelManagerOptions } from '../../src/library/manager.ts';
import type { Catalog } from '../../src/library/managerTypes.ts';
import { OFFLINE_MESSAGE } from '../../src/library/network.ts';
import { memoryOfflineFlag } from '../../src/library/offline.ts';
import { freshDb, randomBytes, sha, useTestServer } from './managerServer.ts';

const server = useTestServer();
const roomy = { estimate: async () => ({ usage: 0, quota: 1e12 }) };
const A = randomBytes(40_000, 7);

function catalog(): Catalog {
  return {
    version: 1,
    sets: [{
      id: 'tiny', label: 'Tiny', description: 'test set', source: 'download', capabilities: DEFAULT_CAPABILITIES,
      files: [{ role: 'transformer', name: 'dit.gguf', url: `${server.url}/a.bin`, bytes: A.length, sha256: sha(A) }],
    }],
  };
}

function manager(db: UseStore = freshDb(), opts: Partial<ModelManagerOptions> = {}): ModelManager {
  return new ModelManager({
    store: db, storage: roomy, catalog: catalog(), chunkSize: 4096, parallel: 2, retries: 1, retryBaseMs: 5, retryMaxMs: 10,
    progressIntervalMs: 0, offline: null, locks: null, ...opts,
  });
}

/** Stored sources and sets, to show that a refused link changed nothing. */
async function snapshot(m: ModelManager): Promise<string> {
  return JSON.stringify((await m.list()).map((s) => [s.id, s.status, s.storedBytes]));
}

describe('hostile source links', () => {
  it('refuses addresses that are not https, not http(s), or carry credentials, before any request', async () => {
    let calls = 0;
    const m = manager(freshDb(), { fetch: async () => (calls++, new Response('')) });
    const before = await snapshot(m);
    await expect(m.addSource('http://mirror.example/dit.gguf')).rejects.toMatchObject({ code: 'bad-request', message: expect.stringMatching(/not a secure \(https:\/\/\) address/) });
    await expect(m.addSource('ftp://mirror.example/dit.gguf')).rejects.toMatchObject({ code: 'bad-request', message: expect.stringMatching(/only https:\/\/ links/) });
    await expect(m.addSource('javascript:alert(1)//x.json')).rejects.toMatchObject({ code: 'bad-request' });
    await expect(m.addSource('https://user:secret@mirror.example/dit.gguf')).rejects.toMatchObject({ code: 'bad-request', message: expect.stringMatching(/user name or password/) });
    expect(calls).toBe(0);
    expect(await snapshot(m)).toBe(before);
  });

  it('refuses a redirect to another scheme, and a redirect loop, with one message each', async () => {
    // A redirect that leaves https: the transport reports where it ended (as fetch's Response.url does).
    const downgraded = async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
      const res = await fetch(input, init);
      Object.defineProperty(res, 'redirected', { value: true });
      Object.defineProperty(res, 'url', { value: 'http://plain.example/dit.gguf' });
      return res;
    };
    server.files.set('/a.gguf', { data: A });
    const m = manager(freshDb(), { fetch: downgraded });
    await expect(m.addSource(`${server.url}/a.gguf`)).rejects.toMatchObject({ code: 'network', message: expect.stringMatching(/redirected to another address that was refused: .*not a secure/) });

    server.files.set('/loop.gguf', { data: A, redirect: '/loop.gguf' });
    const loop = manager();
    await expect(loop.addSource(`${server.url}/loop.gguf`)).rejects.toMatchObject({ code: 'network', message: expect.stringMatching(/redirect loop/) });
    expect(server.log.filter((l) => l.path === '/loop.gguf').length).toBeLessThanOrEqual(21); // fetch's cap, once
    expect(await snapshot(loop)).toBe(await snapshot(manager()));

    // A same-scheme redirect to the file is fine.
    server.files.set('/moved.gguf', { data: A, redirect: '/a.gguf' });
    await expect(manager().addSource(`${server.url}/moved.gguf`)).resolves.toHaveLength(1);
  });

  it('refuses a web page where a file or catalog should be', async () => {
    server.files.set('/page.gguf', { data: new TextEncoder().encode('<html><script>alert(1)</script></html>'), contentType: 'text/html; charset=utf-8' });
    server.files.set('/page.json', { data: new TextEncoder().encode('<!doctype html><title>x</title>'), contentType: 'text/html' });
    const m = manager();
    await expect(m.addSource(`${server.url}/page.gguf`)).rejects.toMatchObject({ code: 'network', message: expect.stringMatching(/answered with a web page, not a file/) });
    await expect(m.addSource(`${server.url}/page.json`)).rejects.toMatchObject({ code: 'network', message: expect.stringMatching(/web page/) });
  });

  it('stops reading a never-ending body: a catalog at 1 MiB, a file that never states its size at once', async () => {
    server.files.set('/endless.json', { data: new TextEncoder().encode('{"sets":['.padEnd(65536, ' ')), endless: true });
    server.files.set('/endless.gguf', { data: randomBytes(65536, 3), endless: true, ranges: false });
    const m = manager();
    const t0 = Date.now();
    await expect(m.addSource(`${server.url}/endless.json`)).rejects.toMatchObject({ code: 'bad-request', message: expect.stringMatching(/too large for a catalog/) });
    await expect(m.addSource(`${server.url}/endless.gguf`)).rejects.toMatchObject({ code: 'network', message: expect.stringMatching(/does not tell the file size/) });
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(server.bodyBytes('/endless.json')).toBeLessThan(16 * 1024 * 1024); // the server stopped when we did
  });
});

describe('hostile catalogs', () => {
  it('refuses a catalog that names files on another host, with credentials, or over plain http', async () => {
    const files = (url: string) => ({ version: 1, sets: [{ id: 'x', label: 'X', files: [{ role: 'vae', name: 'v.safetensors', url }] }] });
    const m = manager();
    const before = await snapshot(m);
    for (const [url, why] of [
      ['https://elsewhere.example/v.safetensors', /neither the catalog's own host/],
      ['https://u:p@huggingface.co/v.safetensors', /user name or password/],
      ['http://huggingface.co/v.safetensors', /not a secure/],
      ['file:///etc/passwd', /only https/],
    ] as const) {
      server.files.set('/c.json', { data: new TextEncoder().encode(JSON.stringify(files(url))) });
      await expect(m.addSource(`${server.url}/c.json`)).rejects.toMatchObject({ code: 'bad-request', message: expect.stringMatching(why) });
    }
    // Its own host (relative paths too) and Hugging Face's download hosts are fine.
    server.files.set('/c.json', { data: new TextEncoder().encode(JSON.stringify(files('../v.safetensors'))) });
    expect((await m.addSource(`${server.url}/sub/../c.json`))[0].id).toBe('x');
    expect(before).not.toBe(await snapshot(m));
  });
});

describe('offline-only mode', () => {
  it('blocks every request the library makes, and says why; turning it off lets the download run', async () => {
    const flag = memoryOfflineFlag(true);
    server.files.set('/a.bin', { data: A });
    const m = manager(freshDb(), { offline: flag });
    await expect(m.download('tiny')).rejects.toMatchObject({ code: 'network', message: OFFLINE_MESSAGE });
    await expect(m.addSource(`${server.url}/a.bin.gguf`)).rejects.toMatchObject({ code: 'network', message: OFFLINE_MESSAGE });
    await expect(m.addSource(`${server.url}/catalog.json`)).rejects.toMatchObject({ code: 'network', message: OFFLINE_MESSAGE });
    expect(server.log).toEqual([]);
    expect((await m.get('tiny')).status).toBe('absent');
    await flag.set(false);
    expect((await m.download('tiny')).status).toBe('verified');
  });

  it('still serves the app\'s own files (the embedded self-test set) while offline', async () => {
    server.files.set('/models/v.safetensors', { data: A });
    const embedded: Catalog = { version: 1, sets: [{ id: 'selftest', label: 'Self-test', description: '', source: 'embedded', capabilities: DEFAULT_CAPABILITIES, files: [{ role: 'vae', name: 'v.safetensors', url: './models/v.safetensors', bytes: A.length }] }] };
    const m = manager(freshDb(), { offline: memoryOfflineFlag(true), catalog: embedded, baseUrl: `${server.url}/` });
    expect((await m.openStoredFile('selftest', 'v.safetensors')).size).toBe(A.length);
  });
});

describe('two tabs', () => {
  it('downloads a set once: the second tab is told it runs elsewhere, and the bytes are fetched once', async () => {
    server.files.set('/a.bin', { data: A, delayMs: 20 });
    const db = freshDb();
    const locks = memoryLocks();
    const tab1 = manager(db, { locks });
    const tab2 = manager(db, { locks });
    const first = tab1.download('tiny');
    await expect(tab2.download('tiny')).rejects.toMatchObject({ code: 'bad-request', message: expect.stringMatching(/another tab of the studio/) });
    expect((await first).status).toBe('verified');
    expect(server.bodyBytes('/a.bin')).toBe(A.length + 1); // the one-byte probe and every chunk once
    expect((await tab2.get('tiny')).status).toBe('verified');
    expect((await tab2.download('tiny')).status).toBe('verified'); // the lock is free again
  });
});
