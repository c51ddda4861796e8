// The model manager as the engine worker exposes it: manager results in the protocol's shapes, errors as data.
import { StudioError, toErrorData } from '../lib/errors.ts';
import { BUILTIN_CONTROLNETS } from '../library/controlCatalog.ts';
import type { ModelManager } from '../library/manager.ts';
import type { InspectItem, SetInfo, TransferProgress as ManagerProgress } from '../library/managerTypes.ts';
import { openShardFiles } from '../weights/modelFile.ts';
import { BlobSource } from '../weights/source.ts';
import type { ModelSetInfo, ModelsApi, Result, TransferProgress } from './protocol.ts';

export function toSetInfo(s: SetInfo): ModelSetInfo {
  return {
    id: s.id,
    label: s.label,
    description: s.description,
    totalBytes: s.totalBytes ?? s.files.reduce((n, f) => n + (f.bytes ?? 0), 0),
    storedBytes: s.storedBytes,
    status: s.lastError && s.status !== 'verified' ? 'error' : s.status === 'embedded' ? 'verified' : s.status,
    embedded: s.source === 'embedded',
    isDefault: s.default,
    capabilities: s.capabilities,
    files: s.files.map((f) => ({ name: f.name, role: f.role, bytes: f.bytes ?? 0, storedBytes: f.storedBytes, sha256: f.sha256 })),
    source: s.origin,
    error: s.lastError,
    ...controlNetOffer(s),
  };
}

/** The catalog ControlNet a stored Turbo set can take, if any. */
function controlNetOffer(s: SetInfo): Pick<ModelSetInfo, 'controlNetOffer'> {
  const e = BUILTIN_CONTROLNETS[0];
  const stored = s.status !== 'absent' && s.origin !== 'import';
  if (!e || !stored || s.source === 'embedded' || s.selfTest || s.capabilities?.guidance || s.capabilities?.omni || s.files.some((f) => f.role === 'controlnet')) return {};
  return { controlNetOffer: { id: e.id, label: e.label, bytes: e.file.bytes } };
}

export function toProgress(p: ManagerProgress): TransferProgress {
  return {
    setId: p.setId,
    phase: p.phase === 'verifying' ? 'verifying' : p.phase === 'importing' ? 'importing' : 'downloading',
    bytesDone: p.set.bytes,
    bytesTotal: p.set.total ?? 0,
    bytesPerSecond: p.set.speed,
    etaMs: p.set.etaMs,
    file: p.file?.name,
  };
}

/**
 * The reader's verdict on one network's local files before they are imported: one file, or the safetensors shards
 * of one network joined by their own headers (as the loader joins them). The message leaves the file names to the
 * caller, except where it names the one shard at fault.
 */
export async function inspectFile(files: InspectItem[]): Promise<{ ok: true; summary: string } | { ok: false; message: string }> {
  try {
    const m = await openShardFiles(files.map((f) => new BlobSource(f.file, f.name)));
    const r = m.detect();
    if (!r.ok) return { ok: false, message: [...r.problems, ...r.missing.slice(0, 3).map((x) => `missing ${x}`)].join('; ') || 'not a Z-Image, FLUX VAE or Qwen3 file' };
    const shards = files.length > 1 ? `, ${files.length} shards` : '';
    return { ok: true, summary: `${m.format} ${r.network} (${r.naming}), ${m.tensors.size} tensors${shards}` };
  } catch (err) {
    return { ok: false, message: toErrorData(err).message };
  }
}

async function wrap<T>(fn: () => Promise<T>): Promise<Result<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    return { ok: false, error: toErrorData(err) };
  }
}

export function modelsApi(manager: ModelManager, isLoaded: (setId: string) => boolean): ModelsApi {
  return {
    listModelSets: () => wrap(async () => (await manager.list()).map(toSetInfo)),
    downloadModelSet: (setId, onProgress) =>
      wrap(async () => {
        const info = await manager.get(setId);
        const run = info.status === 'partial' ? manager.resume.bind(manager) : manager.download.bind(manager);
        await run(setId, (p) => onProgress?.(toProgress(p)));
      }),
    addControlNet: (setId, controlId) =>
      wrap(async () => {
        const entry = BUILTIN_CONTROLNETS.find((e) => e.id === controlId);
        if (!entry) throw new StudioError('bad-request', `There is no ControlNet "${controlId}" in the catalog.`);
        return toSetInfo(await manager.addControlNet(setId, entry));
      }),
    pauseModelDownload: (setId) => wrap(() => manager.pause(setId)),
    deleteModelSet: (setId) =>
      wrap(async () => {
        if (isLoaded(setId)) throw new StudioError('bad-request', 'This set is loaded in the engine; load another set first, then delete it.');
        await manager.delete(setId);
      }),
    verifyModelSet: (setId, onProgress) =>
      wrap(async () => {
        const r = await manager.verify(setId, (p) => onProgress?.(toProgress(p)));
        return { ok: r.ok, badFiles: r.files.filter((f) => !f.ok).map((f) => f.name) };
      }),
    importModelFiles: (files, onProgress) =>
      wrap(async () => toSetInfo(await manager.importFiles(files.map((f) => ({ file: f.file, name: f.path })), { onProgress: (p) => onProgress?.(toProgress(p)) }))),
    addModelSource: (url) => wrap(async () => (await manager.addSource(url)).map(toSetInfo)),
  };
}
