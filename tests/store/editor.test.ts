import { describe, expect, it } from 'vitest';
import { readStudioMetadata } from '../../src/lib/pngMeta.ts';
import { FakeEngine, makeStudio } from './fakes.ts';

const image = (w: number, h: number) => ({ width: w, height: h, data: new Uint8Array(w * h * 4).fill(200).buffer });

function paint(t: ReturnType<typeof makeStudio>) {
  const p = t.s().editor.painter!;
  p.beginStroke({ ...t.s().editor.brush, size: 40, hardness: 1 }, { x: 20, y: 20, p: 1 });
  p.addPoint({ x: 200, y: 100, p: 1 });
  p.endStroke();
  t.s().editor.strokeCommitted();
}

describe('editor slice', () => {
  it('opens an image with a blank mask; undo, redo, clear and invert bump the revision', () => {
    const t = makeStudio();
    t.s().editor.open(image(256, 256), { name: 'a' });
    const ed = () => t.s().editor;
    expect(ed().painter?.isEmpty()).toBe(true);
    const r0 = ed().revision;
    paint(t);
    expect(ed().revision).toBe(r0 + 1);
    expect(ed().painter!.canUndo).toBe(true);
    ed().undo();
    expect(ed().painter!.isEmpty()).toBe(true);
    ed().redo();
    expect(ed().painter!.isEmpty()).toBe(false);
    ed().invertMask();
    ed().clearMask();
    expect(ed().painter!.isEmpty()).toBe(true);
    expect(ed().revision).toBe(r0 + 5);
  });

  it('brush size steps with [ and ] and stays within limits; settings persist', () => {
    const t = makeStudio();
    const ed = () => t.s().editor;
    ed().setBrush({ size: 100 });
    ed().nudgeSize(1);
    expect(ed().brush.size).toBe(115);
    ed().nudgeSize(-1);
    expect(ed().brush.size).toBeLessThan(115);
    ed().setBrush({ size: 1 });
    ed().nudgeSize(-1);
    expect(ed().brush.size).toBe(1);
    ed().setBrush({ size: 1e6, hardness: 5 });
    expect(ed().brush).toMatchObject({ size: 512, hardness: 1 });
    expect(makeStudio({ settings: t.settings }).s().editor.brush.size).toBe(512);
  });

  it('sends the image and the mask (255 = repaint) as copies, and shows before/after', async () => {
    const t = makeStudio();
    const ed = () => t.s().editor;
    ed().open(image(256, 256), { name: 'a' });
    paint(t);
    ed().setInstruction('make it blue');
    ed().setStrength(0.6);
    await ed().applyEdit();
    const req = t.engine().generated[0];
    expect(req).toMatchObject({ mode: 'edit', prompt: 'make it blue', strength: 0.6, width: 256, height: 256 });
    const mask = new Uint8Array(req.mask!.data);
    expect(mask.length).toBe(256 * 256);
    expect(mask[30 * 256 + 30]).toBe(255);
    expect(mask[250 * 256 + 5]).toBe(0);
    expect(req.image!.data).not.toBe(ed().source!.image.data); // a copy: the transfer cannot detach the editor's pixels
    expect(req.mask!.data).not.toBe(ed().painter!.mask.data.buffer);
    expect(ed().result).toMatchObject({ ranMode: 'inpaint', instruction: 'make it blue' });
    expect(ed().notice).toMatch(/inpainting/);
    const item = t.s().gallery.items[0];
    expect(item.meta).toMatchObject({ mode: 'inpaint', strength: 0.6, prompt: 'make it blue' });
    // The downloadable PNG says what the gallery says (both come from the engine's result.meta).
    expect(readStudioMetadata(new Uint8Array(await item.png.arrayBuffer()))).toEqual(item.meta);
    ed().keepResult();
    expect(ed().source?.galleryId).toBe(item.id);
    expect(ed().painter!.isEmpty()).toBe(false); // the mask stays for a further edit
  });

  it('a failed edit keeps the mask and its history exactly', async () => {
    const engine = new FakeEngine();
    engine.generateErrors = [{ code: 'out-of-memory', message: 'The GPU ran out of memory.' }];
    const t = makeStudio({ engine });
    const ed = () => t.s().editor;
    ed().open(image(256, 256), { name: 'a' });
    paint(t);
    const before = ed().painter!.mask.data.slice();
    const history = ed().painter!.history.length;
    ed().setInstruction('x');
    await ed().applyEdit();
    expect(ed().error?.message).toMatch(/out of memory.*mask is kept/);
    expect(ed().painter!.mask.data).toEqual(before);
    expect(ed().painter!.history.length).toBe(history);
    expect(ed().result).toBeNull();
  });

  it('cancelling an edit keeps the mask, says so, and leaves the generate job alone (one shared job runner, two states)', async () => {
    const engine = new FakeEngine();
    let release!: () => void;
    engine.gate = new Promise((r) => (release = r));
    const t = makeStudio({ engine });
    const ed = () => t.s().editor;
    ed().open(image(256, 256), { name: 'a' });
    paint(t);
    const before = ed().painter!.mask.data.slice();
    ed().setInstruction('x');
    const done = ed().applyEdit();
    for (let i = 0; i < 20 && !ed().job?.progress; i++) await new Promise((r) => setTimeout(r, 0));
    expect(ed().status).toBe('running');
    expect(ed().job).toMatchObject({ index: 0, count: 1, progress: { phase: 'denoising' } });
    expect(ed().job!.jobId).toMatch(/^edit-/);
    expect(t.s().generate.status).toBe('idle');
    await ed().cancelEdit();
    expect(ed().status).toBe('cancelling');
    release();
    await done;
    expect(ed().status).toBe('idle');
    expect(ed().job).toBeNull();
    expect(ed().notice).toBe('Cancelled. The mask is unchanged.');
    expect(ed().error).toBeNull();
    expect(ed().result).toBeNull();
    expect(ed().painter!.mask.data).toEqual(before);
    expect(t.s().gallery.items).toEqual([]);
  });

  it('asks for an image and an instruction before running', async () => {
    const t = makeStudio();
    await t.s().editor.applyEdit();
    expect(t.s().editor.error?.message).toMatch(/Open an image/);
    t.s().editor.open(image(256, 256), { name: 'a' });
    await t.s().editor.applyEdit();
    expect(t.s().editor.error?.message).toMatch(/Describe the edit/);
  });

  it('reports a file it cannot decode', async () => {
    const t = makeStudio();
    expect(await t.s().editor.openBlob(new Blob(['nope']), { name: 'notes.txt' })).toBe(false);
    expect(t.s().editor.error?.message).toMatch(/Could not open notes.txt/);
  });
});
