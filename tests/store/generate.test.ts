import { afterEach, describe, expect, it, vi } from 'vitest';
import { readStudioMetadata } from '../../src/lib/pngMeta.ts';
import { presetSize, snapSide, matchPreset, ASPECTS, BASE_SIZES } from '../../src/store/sizes.ts';
import { FakeEngine, makeStudio, TURBO } from './fakes.ts';

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('sizes', () => {
  it('snaps to multiples of 16 within 256..2048', () => {
    expect(snapSide(999)).toBe(992);
    expect(snapSide(1001)).toBe(1008);
    expect(snapSide(10)).toBe(256);
    expect(snapSide(99999)).toBe(2048);
    expect(snapSide(NaN)).toBe(256);
  });
  it('presets keep the aspect ratio and about the base area, and are found again', () => {
    expect(presetSize('1:1', 1024)).toEqual({ width: 1024, height: 1024 });
    expect(presetSize('16:9', 1024)).toEqual({ width: 1360, height: 768 });
    expect(presetSize('3:2', 1024)).toEqual({ width: 1248, height: 832 });
    for (const base of BASE_SIZES)
      for (const a of ASPECTS) {
        const s = presetSize(a, base);
        const [x, y] = a.split(':').map(Number);
        expect(Math.abs(s.width / s.height - x / y)).toBeLessThan(0.03);
        expect(s.width % 16 + (s.height % 16)).toBe(0);
        expect(matchPreset(s.width, s.height)).not.toBeNull();
      }
  });
});

describe('generate slice', () => {
  afterEach(() => vi.useRealTimers());

  it('counts tokens once the typing pauses, ignores stale answers and shows nothing on an error', async () => {
    vi.useFakeTimers();
    const t = makeStudio();
    const g = () => t.s().generate;
    g().setPrompt('a');
    g().setPrompt('a red');
    g().setPrompt('a red fox');
    await vi.advanceTimersByTimeAsync(60);
    const counted = t.engine().calls.filter((c) => c.method === 'countTokens');
    expect(counted.map((c) => c.args[0])).toEqual(['a red fox']);
    expect(g().tokens).toEqual({ tokens: 3, max: 512, truncated: false });
    t.engine().tokenResult = () => ({ ok: false, error: { code: 'bad-request', message: 'not yet' } });
    g().setPrompt('another prompt');
    await vi.advanceTimersByTimeAsync(60);
    expect(g().tokens).toBeNull();
  });

  it('refuses an empty prompt with a clear message', async () => {
    const t = makeStudio();
    await t.s().generate.generate();
    expect(t.s().generate.error?.message).toMatch(/prompt/i);
    expect(t.engines.length).toBe(0);
  });

  it('loads the default model, generates a batch with random seeds, and files every image in the gallery', async () => {
    const t = makeStudio();
    const g = () => t.s().generate;
    g().setPrompt('a red fox in snow');
    g().setParams({ batchCount: 2, randomSeed: true });
    g().setSize(300, 301); // snapped to 304 x 304 when generating
    await g().generate();
    const e = t.engine();
    expect(e.calls.filter((c) => c.method === 'loadModel').map((c) => c.args[0])).toEqual(['selftest']);
    expect(e.generated.map((r) => [r.width, r.height, r.seed, r.mode])).toEqual([
      [304, 304, 1000, 'text-to-image'],
      [304, 304, 1001, 'text-to-image'],
    ]);
    expect(e.generated[0].negativePrompt).toBeUndefined(); // the model has no guidance
    expect(g().params.seed).toBe(1001); // shows the last seed used
    expect(g().status).toBe('idle');
    const items = t.s().gallery.items;
    expect(items.map((i) => i.meta.seed)).toEqual([1001, 1000]);
    expect(t.s().gallery.selectedId).toBe(items[0].id);
    expect(t.gallery.items.size).toBe(2);
    const meta = readStudioMetadata(new Uint8Array(await items[0].png.arrayBuffer()));
    expect(meta).toMatchObject({ prompt: 'a red fox in snow', seed: 1001, width: 304, height: 304, mode: 'text-to-image', steps: 8 });
  });

  it('a fixed seed counts up through a batch; guidance and the negative prompt go only to a model that takes them', async () => {
    const engine = new FakeEngine();
    engine.models['selftest'] = { ...TURBO, setId: 'selftest', capabilities: { ...TURBO.capabilities, guidance: true, defaultSteps: 30 } };
    const t = makeStudio({ engine });
    const g = () => t.s().generate;
    g().setPrompt('x');
    g().setParams({ batchCount: 3, randomSeed: false, seed: 7, negativePrompt: 'blur', guidanceScale: 5 });
    g().setSize(256, 256);
    await g().generate();
    expect(engine.generated.map((r) => r.seed)).toEqual([7, 8, 9]);
    expect(engine.generated[0]).toMatchObject({ negativePrompt: 'blur', guidanceScale: 5, steps: 30 });
  });

  it('shows engine errors (such as the not-yet-implemented worker), routes device loss, and keeps going afterwards', async () => {
    const t = makeStudio();
    const g = () => t.s().generate;
    g().setPrompt('x');
    await g().generate();
    t.engine().generateErrors = [{ code: 'bad-request', message: 'Generation is not available in this build yet.' }];
    await g().generate();
    expect(g().error?.message).toMatch(/not available/);
    expect(g().status).toBe('idle');
    t.engine().generateErrors = [{ code: 'device-lost', message: 'The GPU device was lost.' }];
    await g().generate();
    expect(t.s().device.status).toBe('lost');
    expect(t.s().models.loaded).toBeNull();
    expect(t.s().gallery.items.length).toBe(1); // earlier work is untouched
  });

  it('shows a model load failure as the generate error', async () => {
    const t = makeStudio();
    t.s().models.activate('missing');
    await flush();
    t.s().generate.setPrompt('x');
    await t.s().generate.generate();
    expect(t.s().generate.error?.message).toMatch(/No model set missing/);
  });

  it('reports progress and cancels between images of a batch', async () => {
    const engine = new FakeEngine();
    let release!: () => void;
    engine.gate = new Promise((r) => (release = r));
    const t = makeStudio({ engine });
    const g = () => t.s().generate;
    g().setPrompt('x');
    g().setParams({ batchCount: 4 });
    const done = g().generate();
    for (let i = 0; i < 20 && !g().job?.progress; i++) await flush();
    expect(g().status).toBe('running');
    expect(g().job).toMatchObject({ index: 0, count: 4, progress: { phase: 'denoising', step: 2, gpuStepMs: 42.5 } });
    await g().cancel();
    expect(g().status).toBe('cancelling');
    release();
    await done;
    expect(g().status).toBe('idle');
    expect(g().notice).toBe('Cancelled.');
    expect(engine.generated.length).toBe(1);
    expect(t.s().gallery.items.length).toBe(0);
  });

  it('restores settings from a studio PNG and remembers settings across a reload', async () => {
    const t = makeStudio();
    t.s().generate.setPrompt('a castle');
    t.s().generate.setParams({ randomSeed: false, seed: 99 });
    t.s().generate.setAspect('16:9');
    await t.s().generate.generate();
    const png = new Uint8Array(await t.s().gallery.items[0].png.arrayBuffer());
    t.s().generate.setPrompt('something else');
    t.s().generate.setAspect('1:1');
    expect(t.s().generate.restoreFromPng(png)).toBe(true);
    expect(t.s().generate.params).toMatchObject({ prompt: 'a castle', seed: 99, randomSeed: false, width: 1360, height: 768, aspect: '16:9' });
    expect(t.s().generate.restoreFromPng(new Uint8Array([1, 2, 3]))).toBe(false);
    const again = makeStudio({ settings: t.settings });
    expect(again.s().generate.params).toMatchObject({ prompt: 'a castle', seed: 99, aspect: '16:9' });
  });

  it("a model's default step count replaces the default, never a count the person chose", async () => {
    const engine = new FakeEngine();
    engine.models.base = { ...TURBO, setId: 'base', capabilities: { ...TURBO.capabilities, guidance: true, defaultSteps: 30 } };
    const t = makeStudio({ engine });
    const g = () => t.s().generate;
    await t.s().models.activate('base');
    expect(g().params.steps).toBe(30); // untouched default: follows the model
    await t.s().models.activate('turbo');
    expect(g().params.steps).toBe(8);
    g().setParams({ steps: 2 });
    await t.s().models.activate('base');
    expect(g().params.steps).toBe(2); // chosen: kept
  });
});
