import { describe, expect, it } from 'vitest';
import { memoryQueueStorage } from '../../src/store/queueStorage.ts';
import { FakeEngine, makeStudio } from './fakes.ts';

const flush = () => new Promise((r) => setTimeout(r, 0));
const waitFor = async (cond: () => boolean) => {
  for (let i = 0; i < 100 && !cond(); i++) await flush();
  expect(cond()).toBe(true);
};

describe('the queue', () => {
  it('queues prompts × seeds from a template, each with its own settings, and runs them in order', async () => {
    const t = makeStudio();
    const g = () => t.s().generate;
    g().setPrompt('a {red|blue} fox');
    g().setParams({ batchCount: 2, randomSeed: false, seed: 5, steps: 3 });
    g().setSize(256, 256);
    await g().generate();
    expect(t.engine().generated.map((r) => [r.prompt, r.seed, r.steps])).toEqual([
      ['a red fox', 5, 3],
      ['a red fox', 6, 3],
      ['a blue fox', 5, 3],
      ['a blue fox', 6, 3],
    ]);
    expect(t.s().queue.items).toEqual([]);
    expect(t.queue.items.size).toBe(0);
  });

  it('keeps later items with the settings they were queued with, reorders and cancels per item', async () => {
    const engine = new FakeEngine();
    let release!: () => void;
    engine.gate = new Promise((r) => (release = r));
    const t = makeStudio({ engine });
    const g = () => t.s().generate;
    const q = () => t.s().queue;
    g().setPrompt('one\ntwo\nthree\nfour');
    g().setParams({ promptPerLine: true, randomSeed: false, seed: 1 });
    const done = g().generate();
    await waitFor(() => g().status === 'running');
    g().setPrompt('changed afterwards'); // does not touch what is queued
    expect(q().items.map((i) => i.settings.prompt)).toEqual(['one', 'two', 'three', 'four']);
    expect(q().runningId).toBe(q().items[0].id);
    q().move(q().items[3].id, -1); // four before three
    q().move(q().items[1].id, -1); // refused: the running item stays first
    expect(q().items.map((i) => i.settings.prompt)).toEqual(['one', 'two', 'four', 'three']);
    await q().cancelItem(q().items[1].id); // 'two' never runs
    expect(t.queue.items.size).toBe(3);
    release();
    await done;
    expect(engine.generated.map((r) => r.prompt)).toEqual(['one', 'four', 'three']);
    expect(t.s().gallery.items.length).toBe(3);
  });

  it('survives a reload: pending items (an edit with its image and mask) come back paused and run on resume', async () => {
    const engine = new FakeEngine();
    engine.gate = new Promise(() => {}); // the first visit never finishes its job
    const storage = memoryQueueStorage();
    const a = makeStudio({ engine, queue: storage });
    a.s().generate.setPrompt('{a|b} cat');
    a.s().generate.setSize(256, 256);
    void a.s().generate.generate();
    const img = { width: 256, height: 256, data: new Uint8Array(256 * 256 * 4).fill(9).buffer };
    a.s().editor.open(img, { name: 'x.png' });
    a.s().editor.painter!.invert();
    a.s().editor.setInstruction('make it blue');
    void a.s().editor.applyEdit();
    await waitFor(() => storage.items.size === 3);

    const b = makeStudio({ queue: storage }); // the reload
    await b.s().queue.load();
    expect(b.s().queue.paused).toBe(true);
    expect(b.s().queue.items.map((i) => i.kind)).toEqual(['generate', 'generate', 'edit']);
    await b.s().queue.resume();
    const reqs = b.engine().generated;
    expect(reqs.map((r) => r.mode)).toEqual(['text-to-image', 'text-to-image', 'edit']);
    expect(reqs[2].prompt).toBe('make it blue');
    expect(new Uint8Array(reqs[2].mask!.data)[0]).toBe(255);
    expect(new Uint8Array(reqs[2].image!.data)[5]).toBe(9);
    expect(b.s().editor.result?.instruction).toBe('make it blue');
    expect(storage.items.size).toBe(0);
  });

  it('a failure pauses what is left; resume goes on', async () => {
    const t = makeStudio();
    t.s().generate.setPrompt('{a|b|c}');
    await t.s().generate.generate(); // loads the engine
    t.engine().generateErrors = [{ code: 'out-of-memory', message: 'Out of GPU memory.' }];
    await t.s().generate.generate();
    expect(t.s().generate.error?.code).toBe('out-of-memory');
    expect(t.s().queue.paused).toBe(true);
    expect(t.s().queue.items.length).toBe(2);
    await t.s().queue.resume();
    expect(t.s().queue.items.length).toBe(0);
    expect(t.s().gallery.items.length).toBe(5);
  });

  it('refuses a template that stands for too many images', async () => {
    const t = makeStudio();
    t.s().generate.setPrompt(Array.from({ length: 12 }, () => '{a|b}').join(' '));
    await t.s().generate.generate();
    expect(t.s().generate.error?.message).toMatch(/4096 images/);
    expect(t.s().queue.items).toEqual([]);
  });
});

describe('recipes', () => {
  it('a copied link fills the form in another studio; a damaged one changes nothing', async () => {
    const a = makeStudio();
    a.s().generate.setPrompt('a castle {at dusk|at dawn}');
    a.s().generate.setParams({ randomSeed: false, seed: 77, steps: 5 });
    a.s().generate.setAspect('16:9');
    const hash = a.s().generate.recipeFragment();
    const b = makeStudio();
    expect(b.s().generate.applyRecipeLink(hash)).toBe(true);
    expect(b.s().generate.params).toMatchObject({ prompt: 'a castle {at dusk|at dawn}', seed: 77, steps: 5, width: 1360, height: 768, aspect: '16:9', randomSeed: false });
    expect(b.s().generate.notice).toMatch(/recipe link/);
    expect(b.s().generate.applyRecipeLink('#models')).toBe(false);
    expect(b.s().generate.applyRecipeLink(hash.slice(0, -3) + '!!!')).toBe(true);
    expect(b.s().generate.error?.message).toMatch(/could not be read/);
    expect(b.s().generate.params.seed).toBe(77);
  });

  it("dropping another tool's A1111 PNG fills what applies and names what it ignored", async () => {
    const { encodePng } = await import('../../src/lib/png.ts');
    const text = 'a red fox\nNegative prompt: blurry\nSteps: 20, Sampler: DPM++ 2M, CFG scale: 7, Seed: 123, Size: 832x1216, Model hash: abc, Model: sdxl';
    const png = await encodePng({ width: 1, height: 1, data: new Uint8Array(4) }, { parameters: text });
    const t = makeStudio();
    expect(t.s().generate.restoreFromPng(png)).toBe(true);
    expect(t.s().generate.params).toMatchObject({ prompt: 'a red fox', negativePrompt: 'blurry', steps: 20, seed: 123, width: 832, height: 1216, guidanceScale: 7 });
    expect(t.s().generate.notice).toBe("Settings filled in from another tool's image. Not used here: Sampler, Model hash, and Model.");
    const plain = await encodePng({ width: 1, height: 1, data: new Uint8Array(4) });
    expect(t.s().generate.restoreFromPng(plain)).toBe(false);
  });

  it('studio PNGs carry A1111 parameters (UTF-8 iTXt for a Chinese prompt) beside the zimage chunk', async () => {
    const { readPngText } = await import('../../src/lib/png.ts');
    const t = makeStudio();
    t.s().generate.setPrompt('雪中的红狐狸');
    t.s().generate.setParams({ randomSeed: false, seed: 9 });
    t.s().generate.setSize(256, 256);
    await t.s().generate.generate();
    const text = readPngText(new Uint8Array(await t.s().gallery.items[0].png.arrayBuffer()));
    expect(text.parameters).toMatch(/^雪中的红狐狸\nSteps: 8, Sampler: Euler, CFG scale: 1, Seed: 9, Size: 256x256, Model: /);
    expect(JSON.parse(text.zimage).prompt).toBe('雪中的红狐狸');
  });
});
