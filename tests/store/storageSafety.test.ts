// Storage safety of the gallery in real (fake-)IndexedDB: a full disk mid-write keeps the image in memory, marked
// unsaved, with a message, and loses nothing already stored; two tabs writing at once both keep their images; an
// evicted database reads back as an empty gallery, not an error.
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { clear, createStore } from 'idb-keyval';
import type { ImageMetadata } from '../../src/worker/protocol.ts';
import { idbGalleryStorage, type memoryGalleryStorage } from '../../src/store/galleryStorage.ts';
import type { GenerateResult } from '../../src/worker/protocol.ts';
import { makeStudio } from './fakes.ts';

type MemGallery = ReturnType<typeof memoryGalleryStorage>;
const meta = (seed: number): ImageMetadata => ({ prompt: `p${seed}`, negativePrompt: '', seed, steps: 8, width: 16, height: 16, model: 'm', mode: 'text-to-image', strength: null, guidanceScale: null });
const result = (seed: number): GenerateResult => ({ image: { width: 16, height: 16, data: new Uint8Array(1024).fill(seed).buffer }, png: new ArrayBuffer(0), meta: meta(seed), elapsedMs: 1, gpuMsPerStep: null });

let dbN = 0;
const freshGallery = () => idbGalleryStorage(`gallery-safety-${++dbN}`, 'items');
const realPut = IDBObjectStore.prototype.put;
let full = false;
IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
  if (full) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
  return realPut.apply(this, args);
};
afterEach(() => {
  full = false;
});

describe('gallery storage safety', () => {
  it('a full disk mid-write keeps the new image unsaved with a message, and every stored image stays', async () => {
    const storage = freshGallery();
    const t = makeStudio({ gallery: storage as MemGallery });
    await t.s().gallery.add(result(1));
    full = true;
    const item = await t.s().gallery.add(result(2));
    expect(t.s().gallery.unsaved[item.id]).toBe(true);
    expect(t.s().gallery.error).toMatchObject({ code: 'storage-quota', message: expect.stringMatching(/browser storage is full\. It stays here until you reload; download it, or free space and retry\./) });
    expect((await storage.list()).map((i) => i.meta.seed)).toEqual([1]);
    full = false;
    await t.s().gallery.retrySave();
    expect(t.s().gallery.unsaved).toEqual({});
    expect((await storage.list()).map((i) => i.meta.seed).sort()).toEqual([1, 2]);
  });

  it('two tabs adding images at once both keep them (one record per image, no shared list to overwrite)', async () => {
    const name = `gallery-safety-${++dbN}`;
    const tab1 = makeStudio({ gallery: idbGalleryStorage(name, 'items') as MemGallery });
    const tab2 = makeStudio({ gallery: idbGalleryStorage(name, 'items') as MemGallery });
    await Promise.all([1, 3, 5].map((s) => tab1.s().gallery.add(result(s))).concat([2, 4].map((s) => tab2.s().gallery.add(result(s)))));
    const reloaded = makeStudio({ gallery: idbGalleryStorage(name, 'items') as MemGallery });
    await reloaded.s().gallery.load();
    expect(reloaded.s().gallery.items.map((i) => i.meta.seed).sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('storage the browser evicted reads back as an empty gallery, not an error', async () => {
    const name = `gallery-safety-${++dbN}`;
    const t = makeStudio({ gallery: idbGalleryStorage(name, 'items') as MemGallery });
    await t.s().gallery.add(result(1));
    await clear(createStore(name, 'items')); // what eviction leaves: the database without its records
    const after = makeStudio({ gallery: idbGalleryStorage(name, 'items') as MemGallery });
    await after.s().gallery.load();
    expect(after.s().gallery).toMatchObject({ status: 'ready', items: [], error: null });
  });
});
