// Storage space: the origin's quota and usage (navigator.storage.estimate), persistence, and the up-front refusal
// of work that would not fit.
import { formatBytes } from '../lib/bytes.ts';
import { StudioError } from '../lib/errors.ts';
import type { StorageEstimate } from './managerTypes.ts';

/** The part of navigator.storage the manager uses (injectable for tests). */
export interface StorageLike {
  estimate(): Promise<{ usage?: number; quota?: number }>;
  persist?(): Promise<boolean>;
  persisted?(): Promise<boolean>;
}

export function defaultStorage(): StorageLike | null {
  const nav = (globalThis as { navigator?: { storage?: StorageLike } }).navigator;
  return nav?.storage && typeof nav.storage.estimate === 'function' ? nav.storage : null;
}

export async function estimateStorage(storage: StorageLike | null): Promise<StorageEstimate> {
  if (!storage) return { usage: 0, quota: Number.POSITIVE_INFINITY, free: Number.POSITIVE_INFINITY, persisted: null };
  const e = await storage.estimate();
  const usage = e.usage ?? 0;
  const quota = e.quota ?? Number.POSITIVE_INFINITY;
  const persisted = typeof storage.persisted === 'function' ? await storage.persisted().catch(() => null) : null;
  return { usage, quota, free: Math.max(0, quota - usage), persisted };
}

/**
 * Asks the browser not to evict our data under storage pressure. StorageManager.persist() exists only on the main
 * thread (Window), so in the worker this usually reports null; the main thread should call it too.
 */
export async function requestPersistence(storage: StorageLike | null): Promise<boolean | null> {
  if (!storage || typeof storage.persist !== 'function') return null;
  try {
    if (typeof storage.persisted === 'function' && (await storage.persisted())) return true;
    return await storage.persist();
  } catch {
    return null;
  }
}


/** Refuses up front, with a 'storage-quota' error, work that would need more bytes than the origin has free. */
export async function ensureRoom(storage: StorageLike | null, neededBytes: number, what: string): Promise<void> {
  if (neededBytes <= 0) return;
  const est = await estimateStorage(storage);
  if (neededBytes > est.free)
    throw new StudioError(
      'storage-quota',
      `${what} needs ${formatBytes(neededBytes)} more, but the browser allows this site only ${formatBytes(est.free)} more ` +
        `(${formatBytes(est.usage)} used of ${formatBytes(est.quota)}). Delete a stored model set or free disk space, then try again.`,
    );
}
