// Where pending queue items live between visits: IndexedDB through idb-keyval, a database of its own (an edit's
// source image and mask are stored with it, as ArrayBuffers). A record that is not a version-1 item is ignored.
import { createStore, del, set, values, type UseStore } from 'idb-keyval';
import type { QueueItem, QueueStorage } from './queueSlice.ts';

const isItem = (v: unknown): v is QueueItem => {
  const o = v as Partial<QueueItem> | null;
  return !!o && o.v === 1 && typeof o.id === 'string' && typeof o.order === 'number' && (o.kind === 'generate' || o.kind === 'edit') && typeof o.settings === 'object';
};

export function idbQueueStorage(db = 'zimage-queue', store = 'items'): QueueStorage {
  let s: UseStore | null = null;
  const st = () => (s ??= createStore(db, store));
  return {
    list: async () => (await values<unknown>(st())).filter(isItem),
    put: (item) => set(item.id, item, st()),
    remove: (id) => del(id, st()),
  };
}

export function memoryQueueStorage(initial: QueueItem[] = []): QueueStorage & { items: Map<string, QueueItem> } {
  const m = {
    items: new Map(initial.map((i) => [i.id, structuredClone(i)])),
    list: async () => [...m.items.values()].map((i) => structuredClone(i)).filter(isItem),
    put: async (item: QueueItem) => {
      m.items.set(item.id, structuredClone(item));
    },
    remove: async (id: string) => {
      m.items.delete(id);
    },
  };
  return m;
}
