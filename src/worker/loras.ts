// The worker's LoRAs: stored files (library/loraStore.ts), read for Z-Image once per id and kept on the CPU, and
// the stacked GPU deltas of the active set (models/zimage/lora.ts) cached by (transformer, ids, strengths): the
// next generation with the same LoRAs reuses them; new strengths rebuild only these small tensors, never the model.
import { guardedFetch } from '../library/network.ts';
import { defaultOfflineFlag, type OfflineFlag } from '../library/offline.ts';
import { StudioError, toErrorData } from '../lib/errors.ts';
import { buildLoraStack, checkLoraFits, type LoraStack, readZImageLora, type ZImageLora } from '../models/zimage/lora.ts';
import type { ZImageTransformer } from '../models/zimage/transformer.ts';
import { type LoraLibrary, type LoraRecord } from '../library/loraStore.ts';
import { BlobSource } from '../weights/source.ts';
import type { LoraInfo, LorasApi, LoraUse, Result } from './protocol.ts';

/** Module paths are checked against a generous layer count on import; shapes and layers on enable (checkLoraFits). */
const ANY_DEPTH = { nLayers: 64, nRefinerLayers: 8 };

const toInfo = (r: LoraRecord): LoraInfo => ({ id: r.id, name: r.name, bytes: r.bytes, source: r.source, url: r.url, modules: r.modules, unmatched: r.unmatched, addedAt: r.addedAt });

async function wrap<T>(fn: () => Promise<T>): Promise<Result<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    return { ok: false, error: toErrorData(err) };
  }
}

export class LoraHost {
  private readonly parsed = new Map<string, Promise<ZImageLora>>(); // by id
  private stack: { key: string; dit: ZImageTransformer; stack: LoraStack } | null = null;

  /** Adding a LoRA by URL goes through the one network door (offline-only mode, https only, no credentials). */
  private readonly fetchFn: typeof fetch;

  constructor(
    readonly library: LoraLibrary,
    fetchFn: typeof fetch = (...a) => globalThis.fetch(...a),
    offline: OfflineFlag | null = defaultOfflineFlag(),
  ) {
    this.fetchFn = guardedFetch(fetchFn, { offline, appOrigin: null });
  }

  private read(id: string): Promise<ZImageLora> {
    let p = this.parsed.get(id);
    if (!p) {
      p = this.library.open(id).then((blob) => readZImageLora(new BlobSource(blob, id), ANY_DEPTH));
      p.catch(() => this.parsed.delete(id));
      this.parsed.set(id, p);
    }
    return p;
  }

  private async store(blob: Blob, name: string, source: 'file' | 'url', url?: string): Promise<LoraInfo> {
    if (!/\.safetensors$/i.test(name)) throw new StudioError('bad-model-file', `${name} is not a LoRA: LoRAs are .safetensors files.`);
    const lora = await readZImageLora(new BlobSource(blob, name), ANY_DEPTH);
    const modules = new Set(lora.modules.map((m) => `${m.group}.${m.index}.${m.target}`)).size;
    return toInfo(await this.library.add(blob, { name, source, url, modules, unmatched: lora.unmatched }));
  }

  /** Sets `dit.lora` for a job: the stacked deltas of `uses` (strength 0 entries skipped), or null. */
  async apply(dit: ZImageTransformer, uses: LoraUse[] | undefined): Promise<{ name: string; strength: number }[]> {
    const active = (uses ?? []).filter((u) => u.strength !== 0 && Number.isFinite(u.strength));
    const key = active.map((u) => `${u.id}@${u.strength}`).join(',');
    if (this.stack && (this.stack.dit !== dit || this.stack.key !== key)) this.clear();
    dit.lora = null;
    if (!active.length) return [];
    const loras = await Promise.all(
      active.map(async (u) => {
        const rec = await this.library.get(u.id);
        if (!rec) throw new StudioError('bad-request', 'A LoRA chosen for this image is no longer stored; import it again or disable it.');
        return { name: rec.name, lora: await this.read(u.id), strength: u.strength };
      }),
    );
    if (!this.stack) this.stack = { key, dit, stack: buildLoraStack(dit.gpu, dit.w, loras) };
    dit.lora = this.stack.stack;
    return loras.map((l) => ({ name: l.name, strength: l.strength }));
  }

  /** Drops the GPU stack (a new model, or the model unloaded). */
  clear(): void {
    if (this.stack) this.stack.dit.lora = null;
    this.stack?.stack.release();
    this.stack = null;
  }

  api(current: () => ZImageTransformer | null): LorasApi {
    return {
      listLoras: () => wrap(async () => (await this.library.list()).sort((a, b) => a.addedAt - b.addedAt).map(toInfo)),
      importLora: (file) => wrap(() => this.store(file, file.name, 'file')),
      addLoraUrl: (url) =>
        wrap(async () => {
          let res: Response;
          try {
            res = await this.fetchFn(url);
          } catch {
            throw new StudioError('network', `The LoRA at ${url} could not be fetched; check the address and your connection.`);
          }
          if (!res.ok) throw new StudioError('network', `The server answered ${res.status} for ${url}, so the LoRA was not added.`);
          const name = decodeURIComponent(new URL(url, self.location.href).pathname.split('/').pop() || 'lora.safetensors');
          return this.store(await res.blob(), name, 'url', url);
        }),
      deleteLora: (id) =>
        wrap(async () => {
          if (this.stack?.key.split(',').some((k) => k.startsWith(`${id}@`))) this.clear();
          this.parsed.delete(id);
          await this.library.delete(id);
        }),
      checkLora: (id) =>
        wrap(async () => {
          const dit = current();
          if (!dit) return; // checked again when a model is loaded and the LoRA is used
          const rec = await this.library.get(id);
          if (!rec) throw new StudioError('bad-request', 'That LoRA is no longer stored; import it again.');
          checkLoraFits(rec.name, await this.read(id), dit.w);
        }),
    };
  }
}
