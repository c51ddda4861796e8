// One download of a model set at a time across every tab of the studio: a Web Lock per set. A second tab asking to
// download the same set is told so at once instead of fetching the same bytes twice into the same records.
import { StudioError } from '../lib/errors.ts';

/** The part of navigator.locks the manager uses (injectable for tests). */
export interface LocksLike {
  request<T>(name: string, options: { ifAvailable: true }, callback: (lock: unknown) => Promise<T>): Promise<T>;
}

export function defaultLocks(): LocksLike | null {
  const nav = (globalThis as { navigator?: { locks?: LocksLike } }).navigator;
  return nav?.locks && typeof nav.locks.request === 'function' ? nav.locks : null;
}

export const lockName = (setId: string) => `zimage-download:${setId}`;

/** Runs fn holding the set's lock; refuses with a clear message when another tab holds it. */
export async function withSetLock<T>(locks: LocksLike | null, setId: string, fn: () => Promise<T>): Promise<T> {
  if (!locks) return fn();
  return locks.request(lockName(setId), { ifAvailable: true }, async (lock) => {
    if (lock === null)
      throw new StudioError('bad-request', `"${setId}" is already being downloaded in another tab of the studio; it continues there, and this tab shows it when you refresh the list.`);
    return fn();
  });
}

/** An in-process LockManager with ifAvailable semantics, shared by managers that stand for two tabs in tests. */
export function memoryLocks(): LocksLike {
  const held = new Set<string>();
  return {
    async request(name, _opts, callback) {
      if (held.has(name)) return callback(null);
      held.add(name);
      try {
        return await callback({ name });
      } finally {
        held.delete(name);
      }
    },
  };
}
