// The offline-only switch as the UI sees it: a small store of its own (nothing else in the studio depends on it).
// The value lives in IndexedDB (src/library/offline.ts), where the engine worker's one fetch wrapper reads it before
// every request; other open tabs hear of a change on a BroadcastChannel and show it too.
import { t } from '../lib/i18n.ts';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { useStore } from 'zustand';
import { toErrorData, type ErrorData } from '../lib/errors.ts';
import { defaultOfflineFlag, memoryOfflineFlag, type OfflineFlag } from '../library/offline.ts';

export interface PrivacyState {
  /** True while offline-only mode is on: the studio sends no request beyond its own origin. */
  offline: boolean;
  loaded: boolean;
  error: ErrorData | null;
  load: () => Promise<void>;
  setOffline: (on: boolean) => Promise<void>;
}

const CHANNEL = 'zimage-privacy';

export function createPrivacyStore(flag: OfflineFlag, channel: BroadcastChannel | null = null): StoreApi<PrivacyState> {
  const store = createStore<PrivacyState>()((set) => ({
    offline: false,
    loaded: false,
    error: null,
    load: async () => {
      try {
        set({ offline: await flag.get(), loaded: true, error: null });
      } catch (err) {
        set({ loaded: true, error: { code: 'internal', message: t('store.offlineRead', { why: toErrorData(err).message }) } });
      }
    },
    setOffline: async (on) => {
      // The switch shows 'on' only once the worker would read it so: no request slips through a window where the
      // page says offline and the stored flag does not yet.
      try {
        await flag.set(on);
        set({ offline: on, error: null });
        channel?.postMessage({ offline: on });
      } catch (err) {
        set({ error: { code: 'storage-quota', message: t('store.offlineSave', { why: toErrorData(err).message }) } });
      }
    },
  }));
  channel?.addEventListener('message', (e: MessageEvent<{ offline?: unknown }>) => {
    if (typeof e.data?.offline === 'boolean') store.setState({ offline: e.data.offline });
  });
  return store;
}

export const privacyStore: StoreApi<PrivacyState> = createPrivacyStore(
  defaultOfflineFlag() ?? memoryOfflineFlag(),
  typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(CHANNEL),
);

export function usePrivacy<T>(selector: (s: PrivacyState) => T): T {
  return useStore(privacyStore, selector);
}
