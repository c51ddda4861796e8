// The gallery: every result with its PNG (parameters embedded), a thumbnail and the full parameters, persisted in
// IndexedDB. A result that cannot be stored (a full disk) stays in memory, marked unsaved, and the failure is shown:
// the image is never dropped.
import { t } from '../lib/i18n.ts';
import { toErrorData, type ErrorData } from '../lib/errors.ts';
import { encodeStudioPng } from '../lib/png.ts';
import type { GenerateResult, ImageMetadata } from '../worker/protocol.ts';
import { withEntry } from './record.ts';
import type { SliceContext } from './studio.ts';

export interface GalleryItem {
  /** Schema version of a stored item; bump with a migration in GalleryStorage.list when the shape changes. */
  v: 1;
  id: string;
  createdAt: number; // ms since the epoch
  meta: ImageMetadata;
  /** The full image as a studio PNG (the 'zimage' tEXt chunk holds meta). */
  png: Blob;
  thumb: Blob;
  elapsedMs: number;
  /** Mean GPU time per denoising step, where the device could measure it (absent in items saved before). */
  gpuMsPerStep?: number;
  /** For edits: the gallery item that was edited. */
  sourceId?: string;
}

export interface GalleryStorage {
  list(): Promise<GalleryItem[]>;
  put(item: GalleryItem): Promise<void>;
  remove(id: string): Promise<void>;
}

export interface GallerySlice {
  /** Newest first. */
  items: GalleryItem[];
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: ErrorData | null;
  selectedId: string | null;
  /** Items kept in memory only because storing them failed. */
  unsaved: Record<string, true>;
  load: () => Promise<void>;
  /** Adds a result (stored, selected) with the engine's PNG and parameters (result.meta), and returns it. */
  add: (result: GenerateResult, extra?: { sourceId?: string }) => Promise<GalleryItem>;
  select: (id: string | null) => void;
  remove: (id: string) => Promise<void>;
  /** Copies an item's parameters into the generate settings. */
  reuse: (id: string) => void;
  sendToEditor: (id: string) => Promise<boolean>;
  /** Tries again to store unsaved items. */
  retrySave: () => Promise<void>;
}

const newest = (a: GalleryItem, b: GalleryItem) => b.createdAt - a.createdAt;

export function createGallerySlice(ctx: SliceContext): GallerySlice {
  const { patch, get, deps } = ctx;
  const gal = () => get().gallery;
  let counter = 0;

  const store = async (item: GalleryItem): Promise<boolean> => {
    try {
      await deps.gallery.put(item);
      patch('gallery', (s) => ({ unsaved: withEntry(s.unsaved, item.id, null) }));
      return true;
    } catch (err) {
      const e = toErrorData(err);
      const error: ErrorData =
        e.code === 'storage-quota'
          ? { code: 'storage-quota', message: t('store.saveFull') }
          : { code: e.code, message: t('store.saveFailed', { why: e.message }) };
      patch('gallery', (s) => ({ error, unsaved: withEntry(s.unsaved, item.id, true as const) }));
      get().device.report(error);
      return false;
    }
  };

  return {
    items: [],
    status: 'idle',
    error: null,
    selectedId: null,
    unsaved: {},
    load: async () => {
      patch('gallery', { status: 'loading' });
      try {
        const stored = await deps.gallery.list();
        patch('gallery', (s) => {
          // Keep anything added meanwhile (and unsaved items) alongside what storage holds.
          const byId = new Map(stored.map((i) => [i.id, i]));
          for (const i of s.items) byId.set(i.id, i);
          const items = [...byId.values()].sort(newest);
          return { items, status: 'ready' as const, error: null, selectedId: s.selectedId ?? items[0]?.id ?? null };
        });
      } catch (err) {
        patch('gallery', { status: 'error', error: { code: 'internal', message: t('store.galleryRead', { why: toErrorData(err).message }) } });
      }
    },
    add: async (result, extra = {}) => {
      const { meta } = result;
      // The engine writes the PNG from the same meta; only a result without one gets a PNG written here.
      const pngBytes =
        result.png && result.png.byteLength > 0
          ? new Uint8Array(result.png)
          : await encodeStudioPng({ width: result.image.width, height: result.image.height, data: new Uint8Array(result.image.data) }, meta);
      const createdAt = Date.now();
      const item: GalleryItem = {
        v: 1,
        id: `img-${createdAt.toString(36)}-${(++counter).toString(36)}-${Math.floor(Math.random() * 2 ** 32).toString(36)}`,
        createdAt,
        meta,
        png: new Blob([pngBytes.slice() as Uint8Array<ArrayBuffer>], { type: 'image/png' }),
        thumb: await deps.imaging.thumbnail(result.image),
        elapsedMs: result.elapsedMs,
        ...(result.gpuMsPerStep !== null ? { gpuMsPerStep: result.gpuMsPerStep } : {}),
        ...(extra.sourceId ? { sourceId: extra.sourceId } : {}),
      };
      patch('gallery', (s) => ({ items: [item, ...s.items], selectedId: item.id }));
      await store(item);
      return item;
    },
    select: (id) => patch('gallery', { selectedId: id }),
    remove: async (id) => {
      const items = gal().items;
      const at = items.findIndex((i) => i.id === id);
      if (at < 0) return;
      const rest = items.filter((i) => i.id !== id);
      const next = gal().selectedId === id ? (rest[Math.min(at, rest.length - 1)]?.id ?? null) : gal().selectedId;
      patch('gallery', (s) => ({ items: rest, selectedId: next, unsaved: withEntry(s.unsaved, id, null) }));
      try {
        await deps.gallery.remove(id);
      } catch (err) {
        patch('gallery', { error: toErrorData(err) });
      }
    },
    reuse: (id) => {
      const item = gal().items.find((i) => i.id === id);
      if (!item) return;
      get().generate.applyMetadata(item.meta);
      patch('generate', { notice: t('store.copiedSettings'), error: null });
    },
    sendToEditor: async (id) => {
      const item = gal().items.find((i) => i.id === id);
      if (!item) return false;
      return get().editor.openBlob(item.png, { name: item.meta.prompt || 'image', galleryId: item.id, meta: item.meta });
    },
    retrySave: async () => {
      for (const id of Object.keys(gal().unsaved)) {
        const item = gal().items.find((i) => i.id === id);
        if (item && !(await store(item))) return;
      }
      patch('gallery', { error: null });
    },
  };
}
