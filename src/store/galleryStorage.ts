// Where gallery items live: IndexedDB through idb-keyval in a database of their own, so clearing model weights
// never touches a person's images. Blobs are stored as they are (IndexedDB keeps them out of the JS heap).
import { createStore, del, set, values, type UseStore } from 'idb-keyval';
import type { GalleryItem, GalleryStorage } from './gallerySlice.ts';

export function idbGalleryStorage(db = 'zimage-gallery', store = 'items'): GalleryStorage {
  let s: UseStore | null = null;
  const st = () => (s ??= createStore(db, store));
  return {
    // Anything that is not a version-1 item (a damaged record, a newer app's item) is left in storage, not shown.
    list: async () => (await values<GalleryItem>(st())).filter((v) => v && v.v === 1 && typeof v.id === 'string' && v.png instanceof Blob),
    put: (item) => set(item.id, item, st()),
    remove: (id) => del(id, st()),
  };
}

export function memoryGalleryStorage(initial: GalleryItem[] = []): GalleryStorage & { items: Map<string, GalleryItem>; failPut: Error | null } {
  const m = {
    items: new Map(initial.map((i) => [i.id, i])),
    failPut: null as Error | null,
    list: async () => [...m.items.values()],
    put: async (item: GalleryItem) => {
      if (m.failPut) throw m.failPut;
      m.items.set(item.id, item);
    },
    remove: async (id: string) => {
      m.items.delete(id);
    },
  };
  return m;
}
