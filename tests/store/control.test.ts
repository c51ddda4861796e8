import { describe, expect, it } from 'vitest';
import { encodePng } from '../../src/lib/png.ts';
import { controlAvailable } from '../../src/store/controlSlice.ts';
import { FakeEngine, FakeModels, TURBO, makeStudio } from './fakes.ts';

/** A studio whose sets carry a ControlNet (the self-test set's stored file, the loaded model's capability). */
function withControlNet(on = true) {
  const engine = new FakeEngine();
  for (const id of Object.keys(engine.models)) engine.models[id] = { ...engine.models[id], capabilities: { ...TURBO.capabilities, controlNet: on } };
  const models = new FakeModels();
  models.sets = models.sets.map((s) => ({ ...s, files: on ? [{ name: 'controlnet.safetensors', role: 'controlnet', bytes: 10, storedBytes: 10 }] : [] }));
  const t = makeStudio({ engine, models });
  return t;
}

function scribble(t: ReturnType<typeof makeStudio>, w: number, h: number) {
  const p = t.s().control.ensureScribble(w, h);
  p.beginStroke({ tool: 'brush', size: 8, hardness: 1, pressure: false }, { x: 10, y: 10, p: 1 });
  p.addPoint({ x: 100, y: 100, p: 1 });
  p.endStroke();
  t.s().control.scribbleCommitted();
}

const image = (w: number, h: number) => ({ width: w, height: h, data: new Uint8Array(w * h * 4).fill(200).buffer });

describe('control slice', () => {
  it('is available only when the wanted set has a ControlNet', async () => {
    const a = withControlNet(true);
    await a.s().models.refresh();
    expect(controlAvailable(a.s())).toBe(true);
    const b = withControlNet(false);
    await b.s().models.refresh();
    expect(controlAvailable(b.s())).toBe(false);
  });

  it('a scribble becomes a white-on-black control image at the request size; Reuse settings restores kind, strength and start/end, and asks for the image', async () => {
    const t = withControlNet();
    await t.s().models.refresh();
    await t.s().device.check();
    t.s().generate.setParams({ width: 256, height: 256, randomSeed: false, seed: 5 });
    t.s().control.setEnabled(true);
    t.s().control.setKind('scribble');
    t.s().generate.setPrompt('a cat');
    await t.s().generate.generate();
    expect(t.s().generate.error?.message).toMatch(/Draw a scribble/);
    expect(t.engine().generated).toHaveLength(0);

    scribble(t, 256, 256);
    t.s().control.setParams({ scale: 1.25, start: 0.1, end: 0.8 });
    await t.s().generate.generate();
    const req = t.engine().generated[0];
    expect(req.control).toMatchObject({ kind: 'scribble', scale: 1.25, start: 0.1, end: 0.8, inpaint: false });
    const px = new Uint8Array(req.control!.image!.data);
    expect(req.control!.image!.width).toBe(256);
    expect([...px.subarray((50 * 256 + 50) * 4, (50 * 256 + 50) * 4 + 4)]).toEqual([255, 255, 255, 255]); // on the line
    expect([...px.subarray((200 * 256 + 10) * 4, (200 * 256 + 10) * 4 + 4)]).toEqual([0, 0, 0, 255]); // off it
    // The gallery keeps the path; Reuse settings restores kind / scale / start / end, not the image.
    const item = t.s().gallery.items[0];
    expect(item.meta.control).toEqual({ kind: 'scribble', scale: 1.25, start: 0.1, end: 0.8, path: 'control' });
    t.s().control.setParams({ scale: 0.3, start: 0, end: 1 });
    t.s().control.setKind('image');
    t.s().gallery.reuse(item.id);
    expect(t.s().control).toMatchObject({ enabled: true, kind: 'scribble', scale: 1.25, start: 0.1, end: 0.8, needsImage: false });
    t.s().control.setKind('canny');
    t.s().gallery.reuse(item.id);
    t.s().control.applyMeta({ kind: 'canny', scale: 1, start: 0, end: 1, path: 'control' });
    expect(t.s().control.needsImage).toBe(true); // no picture picked: the panel says to pick it again
    t.s().control.applyMeta(undefined);
    expect(t.s().control.enabled).toBe(false);
  });

  it('Canny: a picked picture is resized to the request and sent through the worker with the thresholds', async () => {
    const t = withControlNet();
    await t.s().models.refresh();
    await t.s().device.check();
    const png = await encodePng({ width: 320, height: 320, data: new Uint8Array(320 * 320 * 4).fill(128) });
    await t.s().control.loadFile(new Blob([png as Uint8Array<ArrayBuffer>]), 'edges.png');
    expect(t.s().control.source?.image.width).toBe(320);
    expect(t.s().control.preview).not.toBeNull(); // the live preview ran
    t.s().control.setParams({ low: 250, high: 40 }); // swapped into order
    expect([t.s().control.low, t.s().control.high]).toEqual([40, 250]);
    t.s().generate.setParams({ width: 256, height: 256 });
    t.s().generate.setPrompt('a house');
    await t.s().generate.generate();
    expect(t.engine().calls.filter((c) => c.method === 'cannyEdges').at(-1)?.args).toEqual([40, 250]);
    expect(t.engine().generated[0].control?.image?.width).toBe(256);
  });

  it('Edit: a masked edit asks for the ControlNet inpaint mode (no picture needed); the switch turns it off', async () => {
    const t = withControlNet();
    await t.s().models.refresh();
    await t.s().device.check();
    const ed = () => t.s().editor;
    ed().open(image(256, 256), { name: 'a' });
    const p = ed().painter!;
    p.beginStroke({ ...ed().brush, size: 40, hardness: 1 }, { x: 20, y: 20, p: 1 });
    p.endStroke();
    ed().setInstruction('make it blue');
    await ed().applyEdit();
    expect(t.engine().generated[0].control).toMatchObject({ inpaint: true, scale: 0.75 });
    expect(t.engine().generated[0].control?.image).toBeUndefined();
    t.s().control.setParams({ inpaint: false });
    await ed().applyEdit();
    expect(t.engine().generated[1].control).toBeUndefined();
  });

  it('sends nothing when the set has no ControlNet, even if the panel was left on', async () => {
    const t = withControlNet(false);
    await t.s().models.refresh();
    await t.s().device.check();
    t.s().control.setEnabled(true);
    t.s().generate.setPrompt('a cat');
    await t.s().generate.generate();
    expect(t.engine().generated[0].control).toBeUndefined();
  });
});

describe('models slice: Add ControlNet', () => {
  it('adds the offered ControlNet, then downloads through the set download', async () => {
    const t = makeStudio();
    t.models.sets[1] = { ...t.models.sets[1], status: 'verified', storedBytes: 6e9, controlNetOffer: { id: 'cn', label: 'CN', bytes: null } };
    await t.s().models.refresh();
    await t.s().models.addControlNet('turbo');
    expect(t.models.calls).toEqual(['addControlNet turbo cn', 'download turbo']);
    expect(t.s().models.sets.find((s) => s.id === 'turbo')?.files.some((f) => f.role === 'controlnet')).toBe(true);
  });
});
