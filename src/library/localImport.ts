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

/** The weight files by network (role), each group sorted by name: what the loader opens as one model. */
function weightGroups<T extends ImportItem & { name: string }>(keep: T[]): T[][] {
  const byRole = new Map<string, T[]>();
  for (const it of keep) {
    if (!WEIGHT_RE.test(it.name)) continue;
    const role = it.role ?? guessRole(it.name);
    byRole.set(role, [...(byRole.get(role) ?? []), it]);
  }
  return [...byRole.values()].map((g) => g.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)));
}

function groupLabel(names: string[]): string {
  return names.length === 1 ? names[0] : `${names[0]} (+${names.length - 1} more shard${names.length > 2 ? 's' : ''})`;
}

const SHARD_RE = /^(.*)-(\d+)-of-(\d+)\.safetensors$/i;

/** Shards named "<stem>-00001-of-00003.safetensors" must all be there; a missing one is named. */
function checkShardsComplete(names: string[]): void {
  const sets = new Map<string, { stem: string; total: number; width: number; have: Set<number> }>();
  for (const n of names) {
    const m = SHARD_RE.exec(n);
    if (!m) continue;
    const key = `${m[1]}|${m[3]}`;
    const s = sets.get(key) ?? { stem: m[1], total: Number(m[3]), width: m[2].length, have: new Set<number>() };
    s.have.add(Number(m[2]));
    sets.set(key, s);
  }
  for (const { stem, total, width, have } of sets.values()) {
    const lacking: string[] = [];
    for (let i = 1; i <= total; i++) if (!have.has(i)) lacking.push(`${stem}-${String(i).padStart(width, '0')}-of-${String(total).padStart(width, '0')}.safetensors`);
    if (lacking.length > 0)
      throw new StudioError(
        'bad-model-file',
        `${stem} is split into ${total} shards but ${lacking.length === 1 ? `${lacking[0]} is` : `${lacking.length} are`} missing${lacking.length > 1 ? ` (${lacking.slice(0, 3).join(', ')}${lacking.length > 3 ? ', ...' : ''})` : ''}; choose all ${total} shard files.`,
      );
  }
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

  // Inspect every network before storing anything, so a wrong file costs no writes. A network split into shards
  // is inspected as one model, the way the loader joins it (all weight files of one role).
  const summaries: string[] = [];
  for (const group of weightGroups(keep)) {
    const label = groupLabel(group.map((it) => it.name));
    checkShardsComplete(group.map((it) => it.name));
    if (!ctx.inspector) continue;
    abortIf();
    const r = await ctx.inspector(group.map((it) => ({ file: it.file, name: it.name })));
    if (!r.ok) throw new StudioError('bad-model-file', `${label} cannot be used: ${r.message}`);
    summaries.push(`${label}: ${r.summary}`);
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
