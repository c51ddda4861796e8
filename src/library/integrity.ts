// Re-hashing a stored set (verify) and reading the embedded self-test files from the app's own origin.
import { StudioError } from '../lib/errors.ts';
import { Sha256 } from '../lib/sha256.ts';
import type { CatalogFile, CatalogSet, VerifyReport } from './managerTypes.ts';
import { RateMeter, type ProgressReporter } from './rate.ts';
import type { ModelStore } from './store.ts';

export interface VerifyContext {
  store: ModelStore;
  chunkSize: number; // bytes read per step
  open: (name: string) => Promise<Blob>;
  progress: ProgressReporter;
}

/**
 * Hashes every file of a set from storage and compares it with the publisher's SHA-256, or with the one computed
 * when it was stored. A damaged file is discarded, so that the next download refetches it.
 */
export async function verifySet(ctx: VerifyContext, def: CatalogSet): Promise<VerifyReport> {
  const { store, progress } = ctx;
  const report: VerifyReport = { setId: def.id, ok: true, files: [] };
  progress.set = new RateMeter(def.files.reduce((s, f) => s + (f.bytes ?? 0), 0), 0);
  progress.setPhase('verifying');
  for (const f of def.files) {
    const blob = await ctx.open(f.name).catch((e: unknown) => e as Error);
    if (!(blob instanceof Blob)) {
      report.files.push({ name: f.name, ok: false, sha256: null, expected: f.sha256 ?? null, message: blob.message });
      report.ok = false;
      continue;
    }
    progress.file = { name: f.name, meter: new RateMeter(blob.size, 0) };
    const h = new Sha256();
    for (let off = 0; off < blob.size; off += ctx.chunkSize) {
      const part = new Uint8Array(await blob.slice(off, off + ctx.chunkSize).arrayBuffer());
      h.update(part);
      progress.bytes(part.length);
    }
    const digest = h.hex();
    const rec = def.source === 'embedded' ? undefined : await store.getFile(def.id, f.name);
    const want = f.sha256 ?? rec?.sha256 ?? null;
    const ok = want === null || digest === want;
    report.files.push({ name: f.name, ok, sha256: digest, expected: want, ...(ok ? {} : { message: 'SHA-256 mismatch: the stored copy was damaged and has been discarded' }) });
    if (!ok) {
      report.ok = false;
      if (rec) await store.discardFile(def.id, f.name);
    }
  }
  progress.file = null;
  progress.setPhase('done');
  return report;
}

/** An embedded file, fetched from the app's origin (small: the self-test model) and checked if sizes/hashes are given. */
export async function fetchEmbedded(fetchFn: typeof fetch, baseUrl: string | null, f: CatalogFile): Promise<Blob> {
  if (!baseUrl && !/^https?:/.test(f.url)) throw new StudioError('internal', 'No base URL to fetch embedded model files from.');
  const url = new URL(f.url, baseUrl ?? undefined).href;
  let res: Response;
  try {
    res = await fetchFn(url);
  } catch (err) {
    throw new StudioError('network', `The embedded model file ${f.name} could not be read from ${url}: ${(err as Error).message}`);
  }
  if (!res.ok) throw new StudioError('network', `The embedded model file ${f.name} is missing (HTTP ${res.status} for ${url}).`);
  const blob = await res.blob();
  if (f.bytes !== null && blob.size !== f.bytes) throw new StudioError('integrity', `${f.name}: ${blob.size} bytes, expected ${f.bytes}.`);
  if (f.sha256) {
    const digest = new Sha256().update(new Uint8Array(await blob.arrayBuffer())).hex();
    if (digest !== f.sha256) throw new StudioError('integrity', `${f.name} (embedded) does not match its SHA-256; the app's files are damaged.`);
  }
  return blob;
}
