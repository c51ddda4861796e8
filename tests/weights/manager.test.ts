// Model manager downloads against a real local HTTP server, into fake-indexeddb.
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { UseStore } from 'idb-keyval';
import { DEFAULT_CAPABILITIES } from '../../src/library/catalog.ts';
import { ModelManager, type ModelManagerOptions } from '../../src/library/manager.ts';
import type { Catalog, TransferProgress } from '../../src/library/managerTypes.ts';
import { isStudioError } from '../../src/lib/errors.ts';
import { freshDb, randomBytes, sha, useTestServer } from './managerServer.ts';

const CHUNK = 4096; // bytes: small, so a 50 kB file is 13 chunks
const A = randomBytes(50_000, 1);
const B = randomBytes(9_000, 2);

const server = useTestServer();
const roomy = { estimate: async () => ({ usage: 0, quota: 1e12 }) };

function catalog(withSha = true): Catalog {
  return {
    version: 1,
    sets: [
      {
        id: 'tiny', label: 'Tiny', description: 'test set', source: 'download',
        capabilities: DEFAULT_CAPABILITIES,
        files: [
          { role: 'transformer', name: 'dit.gguf', url: `${server.url}/a.bin`, bytes: A.length, ...(withSha ? { sha256: sha(A) } : {}) },
          { role: 'tokenizer', name: 'tokenizer.json', url: `${server.url}/b.bin`, bytes: null },
        ],
      },
    ],
  };
}

function manager(db: UseStore, opts: Partial<ModelManagerOptions> = {}): ModelManager {
  return new ModelManager({ store: db, storage: roomy, catalog: catalog(), chunkSize: CHUNK, parallel: 3, retries: 4, retryBaseMs: 5, retryMaxMs: 20, progressIntervalMs: 0, ...opts });
}

async function bytesOf(m: ModelManager, name: string): Promise<Uint8Array> {
  return new Uint8Array(await (await m.openStoredFile('tiny', name)).arrayBuffer());
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (isStudioError(err)) return err.code;
    throw err;
  }
  return 'resolved';
}

afterEach(() => {
  vi.unstubAllGlobals();
});

const serve = (extra: { a?: object; b?: object } = {}) => {
  server.files.set('/a.bin', { data: A, ...extra.a });
  server.files.set('/b.bin', { data: B, ...extra.b });
};

describe('model manager downloads', () => {
  it('downloads a set in ranged chunks, verifies it, reports progress', async () => {
    serve();
    const m = manager(freshDb());
    expect((await m.get('tiny')).status).toBe('absent');
    const events: TransferProgress[] = [];
    const info = await m.download('tiny', (p) => events.push(p));
    expect(info.status).toBe('verified');
    expect(info.ready).toBe(true);
    expect(info.totalBytes).toBe(A.length + B.length);
    expect(info.storedBytes).toBe(A.length + B.length);
    expect(info.files.map((f) => f.sha256)).toEqual([sha(A), sha(B)]);
    expect(await bytesOf(m, 'dit.gguf')).toEqual(A);
    expect(await bytesOf(m, 'tokenizer.json')).toEqual(B);
    // 13 chunk requests of at most CHUNK bytes for A, each a Range request.
    const chunkReqs = server.log.filter((l) => l.path === '/a.bin' && l.range !== 'bytes=0-0');
    expect(chunkReqs).toHaveLength(Math.ceil(A.length / CHUNK));
    expect(chunkReqs.every((l) => l.status === 206 && l.bytes <= CHUNK)).toBe(true);
    const last = events[events.length - 1];
    expect(last.phase).toBe('done');
    expect(last.set.bytes).toBe(A.length + B.length);
    expect(events.some((e) => e.phase === 'downloading' && e.file?.name === 'dit.gguf')).toBe(true);
    expect(events.every((e) => e.set.speed >= 0 && e.set.bytes <= e.set.total)).toBe(true);
  });

  it('resumes after the server drops the connection mid-file, with the same bytes', async () => {
    serve({ a: { dropAfter: 20_000, dropTimes: 2 }, b: { dropAfter: 5000, dropTimes: 1 } });
    const m = manager(freshDb());
    const info = await m.download('tiny');
    expect(info.status).toBe('verified');
    expect(server.log.filter((l) => l.dropped)).toHaveLength(3);
    expect(await bytesOf(m, 'dit.gguf')).toEqual(A);
    expect(await bytesOf(m, 'tokenizer.json')).toEqual(B);
  });

  it('gives up after bounded retries with a network error and keeps what was stored', async () => {
    serve({ a: { dropAfter: 30_000, dropTimes: 1000 } });
    const m = manager(freshDb(), { retries: 2 });
    expect(await codeOf(m.download('tiny'))).toBe('network');
    const info = await m.get('tiny');
    expect(info.status).toBe('partial');
    expect(info.storedBytes).toBeGreaterThan(0);
    expect(info.lastError?.code).toBe('network');
    expect(server.log.filter((l) => l.dropped)).toHaveLength(3); // 1 attempt + 2 retries
    server.files.get('/a.bin')!.dropTimes = 0;
    expect((await m.download('tiny')).status).toBe('verified');
    expect(await bytesOf(m, 'dit.gguf')).toEqual(A);
  });

  it('a corrupted byte fails integrity, leaves the set not ready, and a retry refetches', async () => {
    serve({ a: { corruptAt: 31_337 } });
    const m = manager(freshDb());
    expect(await codeOf(m.download('tiny'))).toBe('integrity');
    const info = await m.get('tiny');
    expect(info.ready).toBe(false);
    expect(info.files[0].status).toBe('absent'); // the damaged chunks were discarded
    expect(info.files[0].storedBytes).toBe(0);
    expect(info.lastError?.code).toBe('integrity');
    await expect(m.openStoredFile('tiny', 'dit.gguf')).rejects.toMatchObject({ code: 'integrity' });
    delete server.files.get('/a.bin')!.corruptAt;
    const before = server.bodyBytes('/a.bin');
    expect((await m.download('tiny')).status).toBe('verified');
    expect(server.bodyBytes('/a.bin') - before).toBeGreaterThanOrEqual(A.length); // fetched again in full
    expect(await bytesOf(m, 'dit.gguf')).toEqual(A);
  });

  it('resumes after a "reload" mid-download from the stored chunks', async () => {
    serve({ a: { delayMs: 15 } });
    const db = freshDb();
    const m1 = manager(db, { parallel: 2 });
    let stored = 0;
    const run = m1.download('tiny', (p) => {
      stored = p.set.bytes;
      if (stored >= 6 * CHUNK) void m1.pause('tiny');
    });
    expect(await codeOf(run)).toBe('cancelled');
    const partial = await m1.get('tiny');
    expect(partial.status).toBe('partial');
    expect(partial.files[0].storedBytes).toBeGreaterThanOrEqual(4 * CHUNK);
    expect(partial.files[0].storedBytes).toBeLessThan(A.length);
    const servedBefore = server.bodyBytes('/a.bin');

    // A new manager over the same database, as after a page reload.
    const m2 = manager(db);
    const resumed = await m2.get('tiny');
    expect(resumed.files[0].storedBytes).toBe(partial.files[0].storedBytes);
    expect((await m2.download('tiny')).status).toBe('verified');
    const servedAfter = server.bodyBytes('/a.bin') - servedBefore;
    expect(servedAfter).toBeLessThanOrEqual(A.length - partial.files[0].storedBytes + 1 + CHUNK); // probe + maybe one chunk
    expect(await bytesOf(m2, 'dit.gguf')).toEqual(A);
  });

  it('refuses up front a download that does not fit (navigator.storage.estimate)', async () => {
    serve();
    vi.stubGlobal('navigator', { storage: { estimate: async () => ({ usage: 990_000, quota: 1_000_000 }) } });
    const m = manager(freshDb(), { storage: undefined });
    const err = await m.download('tiny').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'storage-quota' });
    expect((err as Error).message).toMatch(/needs .* more/);
    expect(server.log.filter((l) => l.range !== 'bytes=0-0')).toHaveLength(0); // only size probes, no chunk
    expect((await m.get('tiny')).status).toBe('absent');
    expect((await m.estimate()).free).toBe(10_000);
  });

  it('stops cleanly on a QuotaExceededError mid-way and keeps what was stored', async () => {
    serve();
    const db = freshDb();
    let puts = 0;
    const full: UseStore = (mode, cb) =>
      db(mode, (s) => {
        const put = s.put.bind(s);
        s.put = (value: unknown, key?: IDBValidKey) => {
          if (value instanceof Blob && ++puts > 5) throw new DOMException('full', 'QuotaExceededError');
          return put(value, key);
        };
        return cb(s);
      });
    const m = manager(full, { parallel: 1 });
    const err = await m.download('tiny').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'storage-quota' });
    const info = await m.get('tiny');
    expect(info.status).toBe('partial');
    expect(info.files[0].storedBytes).toBe(5 * CHUNK);
    const m2 = manager(db);
    expect((await m2.download('tiny')).status).toBe('verified');
    expect(await bytesOf(m2, 'dit.gguf')).toEqual(A);
  });

  it('downloads from a server without range support, resuming a dropped stream', async () => {
    serve({ a: { ranges: false, dropAfter: 22_222, dropTimes: 1 }, b: { ranges: false } });
    const m = manager(freshDb());
    const info = await m.download('tiny');
    expect(info.status).toBe('verified');
    expect(server.log.filter((l) => l.path === '/a.bin').every((l) => l.status === 200)).toBe(true);
    expect(await bytesOf(m, 'dit.gguf')).toEqual(A);
    expect(await bytesOf(m, 'tokenizer.json')).toEqual(B);
  });

  it('refuses a one-stream body that goes on past the probed size (a compressed answer), storing nothing as verified', async () => {
    const text = new TextEncoder().encode('{"model": "tokenizer", "merges": []}\n'.repeat(2000)); // compresses well
    server.files.set('/a.bin', { data: A, ranges: false });
    server.files.set('/b.bin', { data: text, ranges: false, gzip: true });
    const m = manager(freshDb(), { catalog: catalog(false) });
    const err = await m.download('tiny').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'integrity', message: expect.stringMatching(/tokenizer\.json changed on the server .*size changed.*goes on past/) });
    const info = await m.get('tiny');
    expect(info.ready).toBe(false);
    expect(info.files[1]).toMatchObject({ name: 'tokenizer.json', status: 'absent', storedBytes: 0 });
    await expect(m.openStoredFile('tiny', 'tokenizer.json')).rejects.toBeTruthy();
  });

  it('copes with a server whose Content-Range cannot be read (size from the catalog or a plain GET)', async () => {
    serve({ a: { hideContentRange: true }, b: { hideContentRange: true } });
    const m = manager(freshDb());
    expect((await m.download('tiny')).status).toBe('verified');
    expect(await bytesOf(m, 'dit.gguf')).toEqual(A);
    expect(await bytesOf(m, 'tokenizer.json')).toEqual(B);
    expect(server.log.filter((l) => l.path === '/b.bin' && l.range === null)).toHaveLength(1); // the size probe
  });

  it('rejects a catalog size that disagrees with the server, and a missing file', async () => {
    server.files.set('/a.bin', { data: A.subarray(0, 1000) });
    server.files.set('/b.bin', { data: B });
    const m = manager(freshDb());
    expect(await codeOf(m.download('tiny'))).toBe('integrity');
    server.files.delete('/a.bin');
    const err = await m.download('tiny').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'network' });
    expect((err as Error).message).toMatch(/404/);
  });

  it('a catalog change keeps a verified file it still means (new address, same hash), and refetches one it does not', async () => {
    serve();
    const db = freshDb();
    await manager(db).download('tiny');
    const moved = (c: Catalog, url: string, sha256?: string): Catalog => ({
      ...c,
      sets: c.sets.map((st) => ({ ...st, files: st.files.map((f) => (f.name === 'dit.gguf' ? { ...f, url, ...(sha256 ? { sha256 } : {}) } : f)) })),
    });
    // The file moved to a mirror: the stored, verified bytes are kept and not fetched again.
    server.files.set('/mirror/a.bin', { data: A });
    server.log.length = 0;
    const m2 = manager(db, { catalog: moved(catalog(), `${server.url}/mirror/a.bin`) });
    const info = await m2.download('tiny');
    expect(info.status).toBe('verified');
    expect(info.files[0]).toMatchObject({ status: 'verified', storedBytes: A.length, sha256: sha(A) });
    expect(server.log.filter((l) => l.path.endsWith('a.bin'))).toHaveLength(0);
    expect(await bytesOf(m2, 'dit.gguf')).toEqual(A);
    // The same without a hash in the catalog: still kept.
    expect((await manager(db, { catalog: moved(catalog(false), `${server.url}/mirror/a.bin`) }).download('tiny')).status).toBe('verified');
    expect(server.log.filter((l) => l.path.endsWith('a.bin'))).toHaveLength(0);
    // A new hash that is not the stored file's: the catalog means another file, so it is fetched again.
    const A2 = A.slice();
    A2[123] ^= 1;
    server.files.set('/mirror/a.bin', { data: A2 });
    const m3 = manager(db, { catalog: moved(catalog(), `${server.url}/mirror/a.bin`, sha(A2)) });
    expect((await m3.download('tiny')).status).toBe('verified');
    expect(server.bodyBytes('/mirror/a.bin')).toBeGreaterThanOrEqual(A.length);
    expect(await bytesOf(m3, 'dit.gguf')).toEqual(A2);
  });

  it('a file that changes on the server mid-download is discarded once every worker has settled, then fetched anew', async () => {
    const A2 = randomBytes(A.length, 77);
    server.files.set('/a.bin', { data: A, etag: '"v1"' });
    server.files.set('/b.bin', { data: B });
    // Chunk 1 is answered by the old file, but held back until after chunk 0 has seen the new ETag: its commit
    // would land in the emptied manifest if the workers were not stopped first.
    let release!: () => void;
    const chunk0Answered = new Promise<void>((r) => (release = r));
    let chunk1Fetched!: () => void;
    const chunk1Held = new Promise<void>((r) => (chunk1Fetched = r));
    const slowFetch: typeof fetch = async (input, init) => {
      const range = new Headers(init?.headers).get('range');
      if (range === `bytes=0-${CHUNK - 1}`) {
        await chunk1Held;
        server.files.set('/a.bin', { data: A2, etag: '"v2"' }); // replaced upstream
        const res = await fetch(input, { ...init, signal: undefined });
        release();
        return res;
      }
      if (range === `bytes=${CHUNK}-${2 * CHUNK - 1}`) {
        const res = await fetch(input, { ...init, signal: undefined });
        const body = await res.arrayBuffer();
        chunk1Fetched();
        await chunk0Answered;
        await new Promise((r) => setTimeout(r, 30)); // the change has been seen; its handling is under way
        return new Response(body, { status: res.status, headers: res.headers });
      }
      return fetch(input, init);
    };
    const db = freshDb();
    const m = manager(db, { catalog: catalog(false), fetch: slowFetch, parallel: 2 });
    const err = await m.download('tiny').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'integrity', message: expect.stringMatching(/changed on the server .*ETag/) });
    const after = await m.get('tiny');
    expect(after.files[0]).toMatchObject({ status: 'absent', storedBytes: 0 });
    // The next attempt takes the new file, all of it, and checks it against its new ETag.
    const info = await manager(db, { catalog: catalog(false) }).download('tiny');
    expect(info.status).toBe('verified');
    expect(await bytesOf(m, 'dit.gguf')).toEqual(A2);
    expect(info.files[0].sha256).toBe(sha(A2));
  });

  it('reconciles on start-up: orphan chunks go, chunks that vanished are forgotten', async () => {
    serve();
    const db = freshDb();
    const m1 = manager(db);
    await m1.download('tiny');
    const { set, del } = await import('idb-keyval');
    await set(['chunk', 'tiny', 'ghost.bin', 0], new Blob([new Uint8Array(10)]), db);
    await del(['chunk', 'tiny', 'dit.gguf', 3], db); // evicted behind our back
    const m2 = manager(db);
    const info = await m2.get('tiny');
    expect(info.status).toBe('partial');
    expect(info.files[0].storedBytes).toBe(A.length - CHUNK);
    const { keys } = await import('idb-keyval');
    expect((await keys(db)).some((k) => Array.isArray(k) && k[2] === 'ghost.bin')).toBe(false);
    expect((await m2.download('tiny')).status).toBe('verified');
    expect(await bytesOf(m2, 'dit.gguf')).toEqual(A);
  });
});
