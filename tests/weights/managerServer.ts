// A real HTTP server on 127.0.0.1 for the model manager tests: serves byte buffers with or without Range support,
// and can drop connections mid-body, corrupt a byte, or slow down, per path.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { createStore, type UseStore } from 'idb-keyval';
import { afterAll, afterEach, beforeAll } from 'vitest';

export interface Served {
  data: Uint8Array;
  ranges?: boolean; // default true
  /** Drop the connection after this many body bytes, for the next `dropTimes` requests that reach it. */
  dropAfter?: number;
  dropTimes?: number;
  /** Flip this byte (served data only). */
  corruptAt?: number;
  /** Delay before each response, ms. */
  delayMs?: number;
  etag?: string;
  contentType?: string;
  /** Leave Content-Range out of 206 answers, as a cross-origin server that does not expose it looks to fetch. */
  hideContentRange?: boolean;
  /** Send the data gzip-compressed (Content-Encoding: gzip, Content-Length of the compressed bytes); fetch inflates it. */
  gzip?: boolean;
  /** Answer 302 with this Location instead of the data. */
  redirect?: string;
  /** Stream the data over and over with no Content-Length until the client goes away (at most 64 MiB). */
  endless?: boolean;
}

export interface RequestLog {
  path: string;
  range: string | null;
  status: number;
  bytes: number; // body bytes sent
  dropped: boolean;
}

export class TestServer {
  readonly files = new Map<string, Served>();
  readonly log: RequestLog[] = [];
  private server: Server | null = null;
  private readonly sockets = new Set<import('node:net').Socket>();
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  bodyBytes(path: string): number {
    return this.log.filter((l) => l.path === path).reduce((s, l) => s + l.bytes, 0);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    const f = this.files.get(path);
    const range = req.headers.range ?? null;
    const entry: RequestLog = { path, range, status: 404, bytes: 0, dropped: false };
    this.log.push(entry);
    if (!f) {
      res.writeHead(404).end('not found');
      return;
    }
    if (f.delayMs) await new Promise((r) => setTimeout(r, f.delayMs));
    if (f.redirect !== undefined) {
      entry.status = 302;
      res.writeHead(302, { location: f.redirect }).end();
      return;
    }
    if (f.endless) {
      entry.status = 200;
      res.writeHead(200, { 'content-type': f.contentType ?? 'application/octet-stream' });
      const block = f.data.length > 0 ? f.data : new Uint8Array(65536);
      // Bounded: a client that never stops reading still ends the test after 64 MiB.
      for (let sent = 0; sent < 64 * 1024 * 1024 && !res.destroyed && !res.socket?.destroyed; sent += block.length) {
        entry.bytes += block.length;
        if (!res.write(block))
          await new Promise<void>((r) => {
            const done = () => {
              res.off('drain', done);
              res.off('close', done);
              r();
            };
            res.on('drain', done);
            res.on('close', done);
          });
      }
      res.end();
      return;
    }
    let data = f.data;
    if (f.corruptAt !== undefined) {
      data = data.slice();
      data[f.corruptAt] ^= 0xff;
    }
    if (f.gzip) data = new Uint8Array(gzipSync(data));
    let start = 0;
    let end = data.length - 1;
    const headers: Record<string, string> = { 'content-type': f.contentType ?? 'application/octet-stream' };
    if (f.etag) headers.etag = f.etag;
    if (f.gzip) headers['content-encoding'] = 'gzip';
    const m = range && f.ranges !== false ? /^bytes=(\d+)-(\d*)$/.exec(range) : null;
    if (m) {
      start = Number(m[1]);
      end = m[2] ? Math.min(Number(m[2]), data.length - 1) : data.length - 1;
      if (start >= data.length) {
        entry.status = 416;
        res.writeHead(416, { 'content-range': `bytes */${data.length}` }).end();
        return;
      }
      entry.status = 206;
      const cr = f.hideContentRange ? {} : { 'content-range': `bytes ${start}-${end}/${data.length}` };
      res.writeHead(206, { ...headers, ...cr, 'content-length': String(end - start + 1), 'accept-ranges': 'bytes' });
    } else {
      entry.status = 200;
      res.writeHead(200, { ...headers, 'content-length': String(data.length) });
    }
    const body = data.subarray(start, end + 1);
    if (f.dropAfter !== undefined && (f.dropTimes ?? 0) > 0 && start + body.length > f.dropAfter && start < f.dropAfter) {
      f.dropTimes = (f.dropTimes ?? 0) - 1;
      const part = body.subarray(0, f.dropAfter - start);
      entry.bytes = part.length;
      entry.dropped = true;
      res.write(part, () => setTimeout(() => res.socket?.destroy(), 5));
      return;
    }
    entry.bytes = body.length;
    res.end(body);
  }
}

/**
 * One TestServer for the calling test file: started before its tests and stopped after them; the served files and
 * the request log are cleared after each test. Its `url` is set once the tests run.
 */
export function useTestServer(): TestServer {
  const server = new TestServer();
  beforeAll(async () => {
    await server.start();
  });
  afterAll(() => server.stop());
  afterEach(() => {
    server.files.clear();
    server.log.length = 0;
  });
  return server;
}

export const sha = (d: Uint8Array): string => createHash('sha256').update(d).digest('hex');

let dbCount = 0;
/** A new, empty model database (fake-indexeddb in the tests). */
export const freshDb = (): UseStore => createStore(`zimage-models-test-${++dbCount}`, 'files');

/** Deterministic pseudo-random bytes (xorshift32), so failures reproduce. */
export function randomBytes(n: number, seed: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
