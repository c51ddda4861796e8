import { describe, expect, it } from 'vitest';
import { encodeStudioPng } from '../../src/lib/png.ts';
import type { ImageMetadata } from '../../src/worker/protocol.ts';
import { readStudioMetadata } from '../../src/lib/pngMeta.ts';
import { memoryGalleryStorage } from '../../src/store/galleryStorage.ts';
import type { GenerateResult } from '../../src/worker/protocol.ts';
import { makeStudio } from './fakes.ts';

const meta = (seed: number): ImageMetadata => ({ prompt: `p${seed}`, negativePrompt: '', seed, steps: 8, width: 16, height: 16, model: 'm', mode: 'text-to-image', strength: null, guidanceScale: null });
const result = (seed: number, png = new ArrayBuffer(0), m = meta(seed)): GenerateResult => ({
  image: { width: 16, height: 16, data: new Uint8Array(16 * 16 * 4).fill(seed).buffer },
  png,
  meta: m,
  elapsedMs: 5,
  gpuMsPerStep: null,
});

describe('gallery slice', () => {
  it('survives a reload: a new store reads the same storage, newest first', async () => {
    const t = makeStudio();
    await t.s().gallery.add(result(1));
    await new Promise((r) => setTimeout(r, 2));
    await t.s().gallery.add(result(2));
    const again = makeStudio({ gallery: t.gallery });
    await again.s().gallery.load();
    expect(again.s().gallery.items.map((i) => i.meta.seed)).toEqual([2, 1]);
    expect(again.s().gallery.selectedId).toBe(again.s().gallery.items[0].id);
    expect(again.s().gallery.items[0].thumb.size).toBeGreaterThan(0);
  });

  it('keeps the engine PNG as it is, and writes one from result.meta only when there is none', async () => {
    const t = makeStudio();
    const enginePng = await encodeStudioPng({ width: 16, height: 16, data: new Uint8Array(1024) }, { ...meta(3), model: 'from-engine' });
    const a = await t.s().gallery.add(result(3, enginePng.slice().buffer));
    expect(readStudioMetadata(new Uint8Array(await a.png.arrayBuffer()))?.model).toBe('from-engine');
    expect(new Uint8Array(await a.png.arrayBuffer())).toEqual(enginePng); // byte for byte: not parsed, not re-encoded
    const b = await t.s().gallery.add(result(4));
    expect(readStudioMetadata(new Uint8Array(await b.png.arrayBuffer()))).toEqual(meta(4));
  });

  it('a full disk keeps the image in memory, marked unsaved, and flags storage; retry saves it', async () => {
    const gallery = memoryGalleryStorage();
    gallery.failPut = new DOMException('quota', 'QuotaExceededError');
    const t = makeStudio({ gallery });
    const item = await t.s().gallery.add(result(5));
    expect(t.s().gallery.items[0].id).toBe(item.id);
    expect(t.s().gallery.unsaved[item.id]).toBe(true);
    expect(t.s().gallery.error?.code).toBe('storage-quota');
    expect(t.s().device.storageError?.code).toBe('storage-quota');
    gallery.failPut = null;
    await t.s().gallery.retrySave();
    expect(t.s().gallery.unsaved).toEqual({});
    expect(gallery.items.has(item.id)).toBe(true);
  });

  it('deletes from memory and storage and selects the neighbour', async () => {
    const t = makeStudio();
    const a = await t.s().gallery.add(result(1));
    const b = await t.s().gallery.add(result(2));
    t.s().gallery.select(b.id);
    await t.s().gallery.remove(b.id);
    expect(t.s().gallery.items.map((i) => i.id)).toEqual([a.id]);
    expect(t.s().gallery.selectedId).toBe(a.id);
    expect(t.gallery.items.has(b.id)).toBe(false);
  });

  it('reuses an item\'s settings and sends it to the editor', async () => {
    const t = makeStudio();
    const a = await t.s().gallery.add(result(9, undefined, { ...meta(9), width: 256, height: 256 }));
    t.s().gallery.reuse(a.id);
    expect(t.s().generate.params).toMatchObject({ prompt: 'p9', seed: 9, randomSeed: false, width: 256, height: 256, aspect: 'custom' });
    // 16x16 is below the model's minimum: the editor resizes it to 256x256
    expect(await t.s().gallery.sendToEditor(a.id)).toBe(true);
    expect(t.s().editor.source).toMatchObject({ galleryId: a.id, image: { width: 256, height: 256 } });
    expect(t.s().editor.notice).toMatch(/Resized from 16×16 to 256×256/);
  });
});
