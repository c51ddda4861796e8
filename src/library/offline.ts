// The offline-only switch: one boolean in IndexedDB (its own small database), so that the page that flips it and the
// engine worker that enforces it (src/library/network.ts) read the same value, in every open tab, after a reload.
import { createStore, get, set, type UseStore } from 'idb-keyval';

export interface OfflineFlag {
  get(): Promise<boolean>;
  set(on: boolean): Promise<void>;
}

const KEY = 'offline';

/** The persisted switch (database 'zimage-privacy'). A storage that cannot be read counts as off. */
export function idbOfflineFlag(db = 'zimage-privacy', store = 'settings'): OfflineFlag {
  let s: UseStore | null = null;
  const st = () => (s ??= createStore(db, store));
  return {
    get: async () => (await get<unknown>(KEY, st())) === true,
    set: (on) => set(KEY, on, st()),
  };
}

export function memoryOfflineFlag(initial = false): OfflineFlag & { on: boolean } {
  const m = {
    on: initial,
    get: async () => m.on,
    set: async (on: boolean) => {
      m.on = on;
    },
  };
  return m;
}

/** The switch where IndexedDB exists (browsers, fake-indexeddb in tests), otherwise none (always online). */
export function defaultOfflineFlag(): OfflineFlag | null {
  return typeof indexedDB === 'undefined' ? null : idbOfflineFlag();
}
