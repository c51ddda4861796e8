// The offline switch's store: reads and writes the persisted flag, reports a failed save without changing the
// switch, and follows a change made in another tab.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { createPrivacyStore } from '../../src/store/privacy.ts';
import { idbOfflineFlag, memoryOfflineFlag } from '../../src/library/offline.ts';

describe('offline switch store', () => {
  it('persists the switch in IndexedDB, where a new page (or the worker) reads it', async () => {
    const a = createPrivacyStore(idbOfflineFlag('privacy-test-1'));
    await a.getState().load();
    expect(a.getState()).toMatchObject({ offline: false, loaded: true });
    await a.getState().setOffline(true);
    expect(await idbOfflineFlag('privacy-test-1').get()).toBe(true);
    const b = createPrivacyStore(idbOfflineFlag('privacy-test-1'));
    await b.getState().load();
    expect(b.getState().offline).toBe(true);
  });

  it('keeps the switch as it was when the setting cannot be saved, and says so', async () => {
    const flag = { ...memoryOfflineFlag(false), set: async () => { throw new DOMException('full', 'QuotaExceededError'); } };
    const s = createPrivacyStore(flag);
    await s.getState().setOffline(true);
    expect(s.getState().offline).toBe(false);
    expect(s.getState().error?.message).toMatch(/could not be saved .*it is unchanged\./);
  });

  it('shows a change made in another tab', async () => {
    const name = `privacy-test-${Math.random()}`;
    const tab1 = createPrivacyStore(memoryOfflineFlag(), new BroadcastChannel(name));
    const ch2 = new BroadcastChannel(name);
    const tab2 = createPrivacyStore(memoryOfflineFlag(), ch2);
    await tab1.getState().setOffline(true);
    await expect.poll(() => tab2.getState().offline).toBe(true);
    ch2.close();
  });
});
