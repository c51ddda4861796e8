import { describe, expect, it } from 'vitest';
import { encodePng } from '../../src/lib/png.ts';
import { makeStudio } from './fakes.ts';

const W = 1024;
const H = 768;
const image = () => ({ width: W, height: H, data: new Uint8Array(W * H * 4).fill(50).buffer });

describe('editor: the effective mask and only the masked area', () => {
  it('sends the grown and feathered mask to the pipeline', async () => {
    const t = makeStudio();
    const ed = () => t.s().editor;
    ed().open({ width: 64, height: 64, data: new Uint8Array(64 * 64 * 4).fill(9).buffer }, { name: 'x' });
    ed().painter!.loadInitial(Uint8Array.from({ length: 64 * 64 }, (_, i) => (i % 64 >= 20 && i % 64 < 40 && i >> 6 >= 20 && i >> 6 < 40 ? 255 : 0)));
    ed().setMaskAdjust({ grow: 4, feather: 2 });
    ed().setInstruction('x');
    await ed().applyEdit();
    const m = new Uint8Array(t.engine().generated[0].mask!.data);
    expect(m[30 * 64 + 17]).toBeGreaterThan(128); // 3 px outside the painted square: grown
    expect(m[30 * 64 + 30]).toBe(255);
    expect(m[0]).toBe(0);
  });

  it('crops a padded region around the mask, edits it at the model size, and pastes it back; the rest is untouched', async () => {
    const t = makeStudio();
    const ed = () => t.s().editor;
    ed().open(image(), { name: 'big.png' });
    const mask = new Uint8Array(W * H);
    for (let y = 300; y < 340; y++) for (let x = 500; x < 580; x++) mask[y * W + x] = 255;
    ed().painter!.loadInitial(mask);
    ed().setMaskAdjust({ onlyMasked: true, padding: 16, feather: 0 });
    ed().setInstruction('a window');
    await ed().applyEdit();
    const req = t.engine().generated[0];
    // crop 112 × 72 around the mask (80 × 40 + 16 px each side), edited at ~1024² with its aspect
    expect([req.width, req.height]).toEqual([1280, 816]);
    expect([req.image!.width, req.mask!.width]).toEqual([1280, 1280]);
    const r = ed().result!;
    expect([r.after.width, r.after.height]).toEqual([W, H]);
    const after = new Uint8Array(r.after.data);
    expect(after[(100 * W + 100) * 4]).toBe(50); // far outside: the original
    expect(after[(310 * W + 490) * 4]).toBe(50); // inside the crop but outside the mask: the original
    expect(after[(320 * W + 540) * 4]).not.toBe(50); // in the mask: the edit
    expect(t.s().gallery.items[0].meta).toMatchObject({ width: W, height: H });
  });

  it("an image with transparency opens with its transparent part as the mask, and opaque pixels", async () => {
    const t = makeStudio();
    const px = new Uint8Array(256 * 256 * 4).fill(255);
    for (let i = 0; i < 256 * 128; i++) px[i * 4 + 3] = 0; // top half transparent
    const png = await encodePng({ width: 256, height: 256, data: px });
    expect(await t.s().editor.openBlob(new Blob([png as Uint8Array<ArrayBuffer>], { type: 'image/png' }), { name: 'cut.png' })).toBe(true);
    const ed = t.s().editor;
    expect(ed.notice).toMatch(/transparent part/);
    expect(ed.painter!.mask.data[0]).toBe(255);
    expect(ed.painter!.mask.data[256 * 200]).toBe(0);
    expect(new Uint8Array(ed.source!.image.data)[3]).toBe(255);
  });
});
