// Local import: files from a picker or a drop (one .gguf / .safetensors, several, or a diffusers folder) are
// inspected, then stored exactly like a download (same chunks, same manifests), hashed on the way in and marked
// verified, so the set works offline. An import that fails or is cancelled leaves nothing behind: without the
// person's files there is nothing to resume from.
import { StudioError } from '../lib/errors.ts';
import { Sha256 } from '../lib/sha256.ts';
import { DEFAULT_CAPABILITIES, guessRole, slugId } from './catalog.ts';
import type { CatalogFile, CatalogSet, ImportItem, ImportOptions, Inspector } from './managerTypes.ts';
import { ensureRoom, type StorageLike } from './quota.ts';
import { isQuotaError, type FileRecord, type ModelStore } from './store.ts';
import type { ProgressReporter } from './rate.ts';
import { RateMeter } from './rate.ts';

const WEIGHT_RE = /\.(gguf|safetensors)$/i;

/** Normalises picked files: strips the folder a folder-picker puts first, keeps weights, tokenizer and configs. */
export function planImport(items: ImportItem[]): { keep: (ImportItem & { name: string })[]; skipped: string[] } {
  if (items.length === 0) throw new StudioError('bad-request', 'No files were given to import.');
  const names = items.map((it) => it.name.replace(/\\/g, '/').replace(/^\/+/, ''));
  // A folder pick gives "Z-Image-Turbo/transformer/x.safetensors": drop the shared first folder.
  const firsts = new Set(names.map((n) => (n.includes('/') ? n.split('/')[0] : '')));
  const strip = firsts.size === 1 && !firsts.has('') && names.some((n) => n.split('/').length > 2) ? `${[...firsts][0]}/` : '';
  const keep: (ImportItem & { name: string })[] = [];
  const skipped: string[] = [];
  const seen = new Set<string>();
  items.forEach((it, i) => {
    const name = strip && names[i].startsWith(strip) ? names[i].slice(strip.length) : names[i];
    const base = name.split('/').pop() ?? name;
    const wanted = WEIGHT_RE.test(base) || base === 'tokenizer.json' || (base.endsWith('.json') && !base.endsWith('.index.json'));
    if (!wanted || name.split('/').some((p) => p === '..' || p === '.' || p === '')) {
      skipped.push(name);
      return;
    }
    if (seen.has(name)) throw new StudioError('bad-request', `Two files are both named "${name}".`);
    seen.add(name);
    keep.push({ ...it, name });
  });
  if (!keep.some((it) => WEIGHT_RE.test(it.name)))
    throw new StudioError('bad-request', 'None of the chosen files is a .gguf or .safetensors model file.');
  return { keep, skipped };
}

export interface ImportContext {
  store: ModelStore;
  storage: StorageLike | null;
  inspector: Inspector | null;
  chunkSize: number; // bytes
  signal: AbortSignal;
  progress: ProgressReporter;
}

export async function importLocal(ctx: ImportContext, items: ImportItem[], opts: ImportOptions): Promise<CatalogSet> {
  const { keep, skipped } = planImport(items);
  const { store, signal, progress } = ctx;
  const abortIf = () => {
    if (signal.aborted) throw new StudioError('cancelled', 'The import was cancelled; nothing was kept.');
  };

  // Inspect every weight file before storing anything, so a wrong file costs no writes.
  const summaries: string[] = [];
  if (ctx.inspector) {
    for (const it of keep) {
      if (!WEIGHT_RE.test(it.name)) continue;
      abortIf();
      const r = await ctx.inspector(it.file, it.name);
      if (!r.ok) throw new StudioError('bad-model-file', `${it.name} cannot be used: ${r.message}`);
      summaries.push(`${it.name}: ${r.summary}`);
    }
  }
  const total = keep.reduce((s, it) => s + it.file.size, 0); // bytes
  await ensureRoom(ctx.storage, total, 'Importing these files');

  const label = opts.label?.trim() || (keep.find((it) => it.role === 'transformer' || guessRole(it.name) === 'transformer') ?? keep[0]).name;
  const id = opts.setId ?? slugId('import', `${label}|${total}|${Date.now()}`);
  const files: CatalogFile[] = keep.map((it) => ({ role: it.role ?? guessRole(it.name), name: it.name, url: '', bytes: it.file.size }));
  const def: CatalogSet = {
    id,
    label,
    description: `Imported from your files (${keep.length} file${keep.length > 1 ? 's' : ''}${skipped.length ? `, ${skipped.length} skipped` : ''}).${summaries.length ? ` ${summaries.join('; ')}` : ''}`,
    source: 'download',
    files,
    capabilities: opts.capabilities ?? DEFAULT_CAPABILITIES,
  };
  const quantize = opts.quantizeOnLoad ?? files.some((f) => (f.role === 'transformer' || f.role === 'text_encoder') && /\.safetensors$/i.test(f.name));
  if (quantize) def.quantizeOnLoad = true;
  if (await store.getSet(id)) throw new StudioError('bad-request', `A model set named "${id}" already exists.`);

  await store.putSet({ id, origin: 'import', definition: def, updatedAt: Date.now() });
  progress.set = new RateMeter(total, 0);
  progress.setPhase('importing');
  try {
    for (const it of keep) {
      const f = def.files.find((x) => x.name === it.name) as CatalogFile;
      const sha = await storeOne(ctx, id, f, it.file, abortIf);
      f.sha256 = sha;
    }
    await store.putSet({ id, origin: 'import', definition: def, updatedAt: Date.now() });
  } catch (err) {
    await store.deleteSet(id);
    if (isQuotaError(err))
      throw new StudioError('storage-quota', "The browser's storage filled up during the import; nothing was kept. Free space or delete a model set, then try again.");
    throw err;
  } finally {
    progress.file = null;
  }
  progress.setPhase('done');
  return def;
}

async function storeOne(ctx: ImportContext, setId: string, f: CatalogFile, blob: Blob, abortIf: () => void): Promise<string> {
  const { store, chunkSize, progress } = ctx;
  let rec: FileRecord = {
    setId, name: f.name, role: f.role, url: '', bytes: blob.size, expectedSha256: null, chunkSize, done: [], hashed: 0,
    hashState: null, status: 'partial', sha256: null, validator: null, rangeSupport: null,
  };
  await store.putFile(rec);
  progress.file = { name: f.name, meter: new RateMeter(blob.size, 0) };
  const hasher = new Sha256();
  const n = Math.ceil(blob.size / chunkSize);
  for (let i = 0; i < n; i++) {
    abortIf();
    const bytes = new Uint8Array(await blob.slice(i * chunkSize, Math.min(blob.size, (i + 1) * chunkSize)).arrayBuffer());
    hasher.update(bytes);
    rec = await store.commitChunk(rec, i, new Blob([bytes]), (r) => ({ ...r, done: [...r.done, i] }));
    progress.bytes(bytes.length);
  }
  const sha = hasher.hex();
  // An empty file has no chunks; it is still a (zero-byte) verified file.
  await store.updateFile(setId, f.name, (r) => ({ ...r, status: 'verified', sha256: sha, hashed: n }));
  return sha;
}
