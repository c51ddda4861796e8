// Downloading one file into the store: HTTP range requests of one chunk each, a few in parallel, retried with
// bounded exponential backoff, resumed from the chunks already stored; a server without range support is read as
// one stream, still cut into chunks. SHA-256 is computed as chunks arrive in order (state saved with each chunk, so
// a reload does not rehash); a mismatch discards the file's chunks so that the next attempt refetches them.
import { StudioError } from '../lib/errors.ts';
import { Sha256 } from '../lib/sha256.ts';
import { chunkCount, chunkLength, isQuotaError, storedBytes, type FileRecord, type ModelStore } from './store.ts';

export interface DownloadConfig {
  fetch: typeof fetch;
  parallel: number; // concurrent range requests per file, 1..4
  retries: number; // per request, after the first attempt
  retryBaseMs: number;
  retryMaxMs: number;
}

export interface FileJob {
  store: ModelStore;
  cfg: DownloadConfig;
  signal: AbortSignal;
  /** Bytes received (+) or given back after a failed attempt (-). */
  onBytes: (delta: number) => void;
}

/** A failure worth another attempt: a dropped connection, a short body, 5xx, 408, 429. */
class TransientError extends Error {}

/**
 * The file is no longer the one whose chunks are stored. Thrown by the worker that notices; downloadFile discards
 * the stored chunks once every worker has settled, so that no late commit lands in the emptied manifest.
 */
class ChangedOnServer extends StudioError {
  constructor(rec: FileRecord, why: string) {
    super('integrity', `${rec.name} changed on the server during the download (${why}); what was stored of it was discarded. Download again.`);
  }
}

export interface ProbeResult {
  total: number;
  rangeSupport: boolean;
  validator: string | null;
}

const cancelled = () => new StudioError('cancelled', 'The download was paused or cancelled; what was stored is kept.');

/**
 * Why a signal was aborted, as the error to show: a StudioError reason as it is (a deadline says what it waited
 * for), a bare timeout as a network failure, anything else as a pause or cancel.
 */
function abortError(signal: AbortSignal): StudioError {
  const reason: unknown = signal.reason;
  if (reason instanceof StudioError) return reason;
  if (reason instanceof DOMException && reason.name === 'TimeoutError')
    return new StudioError('network', 'The server did not answer in time. What was stored is kept; try again to resume.');
  return cancelled();
}

function checkAbort(signal: AbortSignal): void {
  if (signal.aborted) throw abortError(signal);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(done, ms);
    function done() {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }
    function onAbort() {
      clearTimeout(t);
      reject(abortError(signal));
    }
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export async function withRetry<T>(cfg: DownloadConfig, signal: AbortSignal, what: string, op: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      checkAbort(signal);
      return await op();
    } catch (err) {
      if (signal.aborted) throw abortError(signal);
      if (err instanceof StudioError) throw err;
      const transient = err instanceof TransientError || err instanceof TypeError; // fetch's network failures are TypeErrors
      const message = err instanceof Error ? err.message : String(err);
      if (!transient || attempt >= cfg.retries)
        throw new StudioError('network', `Downloading ${what} failed${transient ? ` after ${attempt + 1} attempts` : ''}: ${message}. What was stored is kept; try again to resume.`);
      const delay = Math.min(cfg.retryMaxMs, cfg.retryBaseMs * 2 ** attempt) * (0.5 + Math.random() * 0.5);
      await sleep(delay, signal);
    }
  }
}

/** An HTTP answer that is not the one asked for: 5xx, 408 and 429 are worth another attempt, the rest are not. */
export function httpFailure(res: Response, url: string): Error {
  const msg = `HTTP ${res.status} ${res.statusText} from ${url}`;
  if (res.status >= 500 || res.status === 408 || res.status === 429) return new TransientError(msg);
  return new StudioError('network', `${msg}. The address may be wrong, moved, or need a login.`);
}

function etagOf(res: Response): string | null {
  return res.headers.get('etag');
}

/**
 * Learns a file's size and whether the server honours ranges, with a one-byte range request. Where Content-Range
 * cannot be read (a cross-origin server that does not expose it) the catalog's size is used, or failing that the
 * Content-Length of a plain GET whose body is cancelled at once.
 */
export async function probe(cfg: DownloadConfig, url: string, signal: AbortSignal, knownBytes: number | null = null): Promise<ProbeResult> {
  return withRetry(cfg, signal, url, async () => {
    const res = await cfg.fetch(url, { headers: { Range: 'bytes=0-0' }, signal });
    if (res.status === 206) {
      await res.body?.cancel();
      const m = /\/(\d+)\s*$/.exec(res.headers.get('content-range') ?? '');
      if (m) return { total: Number(m[1]), rangeSupport: true, validator: etagOf(res) };
      if (knownBytes !== null) return { total: knownBytes, rangeSupport: true, validator: etagOf(res) };
      const plain = await cfg.fetch(url, { signal });
      await plain.body?.cancel();
      const len = plain.headers.get('content-length');
      if (!plain.ok || len === null || !/^\d+$/.test(len) || plain.headers.get('content-encoding'))
        throw new StudioError('network', `${url} does not tell the file size, so the download cannot be checked.`);
      return { total: Number(len), rangeSupport: true, validator: etagOf(res) };
    }
    if (res.status === 200) {
      await res.body?.cancel();
      const len = res.headers.get('content-length');
      if (len === null || !/^\d+$/.test(len)) throw new StudioError('network', `${url} does not tell the file size, so the download cannot be checked.`);
      return { total: Number(len), rangeSupport: false, validator: etagOf(res) };
    }
    throw httpFailure(res, url);
  });
}

/**
 * Reads exactly `length` bytes of a response body into parts, reporting progress; a short body is transient. With
 * `mustEnd`, the body is also read on to see that it ends there: `longer` says it did not.
 */
async function readBody(
  res: Response,
  length: number,
  job: FileJob,
  onPart: (p: Uint8Array) => Promise<void> | void,
  mustEnd = false,
): Promise<{ got: number; longer: boolean }> {
  if (!res.body) throw new TransientError('empty response body');
  const reader = res.body.getReader();
  let got = 0;
  let longer = false;
  try {
    while (got < length) {
      const { done, value } = await reader.read();
      if (done) break;
      const part = got + value.length > length ? value.subarray(0, length - got) : value;
      longer = part.length < value.length;
      got += part.length;
      job.onBytes(part.length);
      await onPart(part);
    }
    while (mustEnd && got === length && !longer) {
      const { done, value } = await reader.read();
      if (done) break;
      longer = value.length > 0;
    }
  } finally {
    reader.cancel().catch(() => {});
  }
  return { got, longer };
}

export async function downloadFile(job: FileJob, start: FileRecord): Promise<FileRecord> {
  const { store, cfg, signal } = job;
  let rec = start;
  const n = chunkCount(rec);
  if (rec.bytes === null || rec.rangeSupport === null) throw new StudioError('internal', `${rec.name}: size unknown before download`);
  const hasher = rec.hashState && rec.hashed > 0 ? Sha256.restore(rec.hashState) : new Sha256();
  let hashed = rec.hashState ? rec.hashed : 0;
  const done = new Set(rec.done);

  // A failure in one worker stops the others, and keeps their late chunks out of the store.
  const run = new AbortController();
  const stop = () => run.abort();

  // Manifest writes and hashing run one at a time, in arrival order, behind this promise.
  let queue: Promise<void> = Promise.resolve();
  const serial = (fn: () => Promise<void>): Promise<void> => {
    const p = queue.then(fn);
    queue = p.catch(() => {});
    return p;
  };

  // Folds stored chunks that follow the hashed prefix into the hash (they arrived out of order, or before a reload).
  const catchUp = async () => {
    const from = hashed;
    while (hashed < n && done.has(hashed)) {
      const blob = await store.getChunk(rec.setId, rec.name, hashed);
      if (!blob || blob.size !== chunkLength(rec, hashed)) throw new StudioError('integrity', `Chunk ${hashed} of ${rec.name} vanished from storage.`);
      hasher.update(new Uint8Array(await blob.arrayBuffer()));
      hashed++;
    }
    if (hashed > from) {
      const h = hashed;
      const state = hasher.save();
      rec = (await store.updateFile(rec.setId, rec.name, (r) => ({ ...r, hashed: h, hashState: state }))) ?? rec;
    }
  };

  const onChunk = (i: number, parts: Uint8Array[]) =>
    serial(async () => {
      checkAbort(signal);
      checkAbort(run.signal); // another worker failed (the file changed, storage is full): store nothing more
      const hashNow = i === hashed;
      if (hashNow) {
        for (const p of parts) hasher.update(p);
        hashed++;
      }
      const h = hashed;
      const state = hashNow ? hasher.save() : null;
      try {
        rec = await store.commitChunk(rec, i, new Blob(parts as BlobPart[]), (r) => ({
          ...r,
          done: [...r.done.filter((x) => x !== i), i].sort((a, b) => a - b),
          status: 'partial',
          ...(state ? { hashed: h, hashState: state } : {}),
        }));
      } catch (err) {
        if (isQuotaError(err))
          throw new StudioError('storage-quota', `The browser's storage filled up while saving ${rec.name} (${storedBytes(rec)} of ${rec.bytes} bytes kept). Free space or delete a model set, then resume.`);
        throw err;
      }
      done.add(i);
      await catchUp();
    });

  await serial(catchUp);
  const missing: number[] = [];
  for (let i = 0; i < n; i++) if (!done.has(i)) missing.push(i);

  signal.addEventListener('abort', stop, { once: true });
  const runJob: FileJob = { ...job, signal: run.signal };
  try {
    if (missing.length > 0 && rec.rangeSupport) {
      let next = 0;
      const worker = async () => {
        while (next < missing.length && !run.signal.aborted) await fetchChunk(runJob, rec, missing[next++], onChunk);
      };
      // Every worker is awaited (a late commit must not land after we return); the first failure is the reason.
      let first: unknown = null;
      await Promise.all(
        Array.from({ length: Math.min(cfg.parallel, missing.length) }, () =>
          worker().catch((e: unknown) => {
            first ??= e;
            stop();
          }),
        ),
      );
      if (first !== null) throw first;
    } else if (missing.length > 0) {
      await streamWhole(runJob, rec, done, onChunk);
    }
    await serial(catchUp);
  } catch (err) {
    await queue;
    // Every worker has settled and the queue is empty: nothing can commit into the manifest after this reset.
    // The next attempt probes afresh (the emptied manifest takes the server's new size and ETag).
    if (err instanceof ChangedOnServer) await store.discardFile(rec.setId, rec.name);
    if (signal.aborted) throw abortError(signal);
    throw err;
  } finally {
    signal.removeEventListener('abort', stop);
  }
  checkAbort(signal);
  if (hashed !== n) throw new StudioError('internal', `${rec.name}: hashed ${hashed} of ${n} chunks`);
  const digest = hasher.hex();
  if (rec.expectedSha256 && digest !== rec.expectedSha256) {
    await store.discardFile(rec.setId, rec.name);
    throw new StudioError(
      'integrity',
      `${rec.name} failed its integrity check (SHA-256 ${digest.slice(0, 12)}…, expected ${rec.expectedSha256.slice(0, 12)}…). ` +
        'The damaged download was discarded; download again to refetch it.',
    );
  }
  rec = (await store.updateFile(rec.setId, rec.name, (r) => ({ ...r, status: 'verified', sha256: digest, hashState: null, hashed: n }))) ?? rec;
  return rec;
}

type OnChunk = (i: number, parts: Uint8Array[]) => Promise<void>;

async function fetchChunk(job: FileJob, rec: FileRecord, i: number, onChunk: OnChunk): Promise<void> {
  const begin = i * rec.chunkSize; // bytes
  const len = chunkLength(rec, i);
  const parts = await withRetry(job.cfg, job.signal, rec.name, async () => {
    const res = await job.cfg.fetch(rec.url, { headers: { Range: `bytes=${begin}-${begin + len - 1}` }, signal: job.signal });
    if (res.status === 200) {
      await res.body?.cancel();
      throw new StudioError('network', `${rec.url} stopped honouring range requests. Try again: the download restarts as one stream.`);
    }
    if (res.status !== 206) throw httpFailure(res, rec.url);
    // Content-Range is checked where the server lets us read it (cross-origin it must be exposed by CORS);
    // without it the exact body length and the final hash still hold the download to account.
    const fail = async (why: string): Promise<never> => {
      await res.body?.cancel();
      throw new ChangedOnServer(rec, why);
    };
    const cr = res.headers.get('content-range');
    if (cr !== null) {
      const m = /bytes\s+(\d+)-(\d+)\/(\d+|\*)/.exec(cr);
      if (!m || Number(m[1]) !== begin || Number(m[2]) !== begin + len - 1) throw new TransientError(`unexpected Content-Range "${cr}"`);
      if (m[3] !== '*' && Number(m[3]) !== rec.bytes) await fail(`its size changed to ${m[3]} bytes`);
    }
    const tag = etagOf(res);
    if (rec.validator && tag && tag !== rec.validator) await fail('its ETag changed');
    const got: Uint8Array[] = [];
    const { got: n } = await readBody(res, len, job, (p) => void got.push(p));
    if (n !== len) {
      job.onBytes(-n);
      throw new TransientError(`connection closed after ${n} of ${len} bytes`);
    }
    return got;
  });
  await onChunk(i, parts);
}

/** For servers without ranges: one GET from byte 0, skipping chunks already stored, storing the rest. */
async function streamWhole(job: FileJob, rec: FileRecord, done: Set<number>, onChunk: OnChunk): Promise<void> {
  const total = rec.bytes as number;
  await withRetry(job.cfg, job.signal, rec.name, async () => {
    const res = await job.cfg.fetch(rec.url, { signal: job.signal });
    if (res.status !== 200) throw httpFailure(res, rec.url);
    const len = res.headers.get('content-length');
    const fail = async (why: string): Promise<never> => {
      await res.body?.cancel();
      throw new ChangedOnServer(rec, why);
    };
    if (len !== null && !res.headers.get('content-encoding') && Number(len) !== total) await fail(`its size changed to ${len} bytes`);
    const tag = etagOf(res);
    if (done.size > 0 && rec.validator && tag && tag !== rec.validator) await fail('its ETag changed'); // the stored chunks are the old file's
    let idx = 0; // chunk being filled
    let filled = 0; // bytes of chunk idx seen
    let parts: Uint8Array[] = [];
    let pending = 0; // bytes counted in progress but not yet stored
    // The body must end at the size the file was probed at: a longer one (a compressed answer that the browser
    // inflates, a file that grew) would otherwise be stored cut short, and without a catalog hash marked verified.
    const { got, longer } = await readBody(res, total, { ...job, onBytes: () => {} }, async (p) => {
      let off = 0;
      while (off < p.length) {
        const want = chunkLength(rec, idx) - filled;
        const piece = p.subarray(off, off + want);
        off += piece.length;
        filled += piece.length;
        if (!done.has(idx)) {
          parts.push(piece);
          pending += piece.length;
          job.onBytes(piece.length);
        }
        if (filled === chunkLength(rec, idx)) {
          if (!done.has(idx)) await onChunk(idx, parts);
          parts = [];
          pending = 0;
          filled = 0;
          idx++;
        }
      }
    }, true);
    if (got !== total) {
      job.onBytes(-pending);
      throw new TransientError(`connection closed after ${got} of ${total} bytes`);
    }
    if (longer) throw new ChangedOnServer(rec, `its size changed: the body goes on past ${total} bytes`);
  });
}
