// Low-memory mode: a remembered device setting that reaches every generation and edit request
// (GenerateRequest.lowMemory, which makes the pipeline release the text encoder after encoding).
import { describe, expect, it } from 'vitest';
import { FakeEngine, makeStudio } from './fakes.ts';

const image = (w: number, h: number) => ({ width: w, height: h, data: new Uint8Array(w * h * 4).fill(200).buffer });
const flush = () => new Promise((r) => setTimeout(r, 0));

describe('low-memory mode', () => {
  it('is off by default, and then no request asks for it', async () => {
    const t = makeStudio();
    expect(t.s().device.lowMemory).toBe(false);
    t.s().generate.setPrompt('a fox');
    await t.s().generate.generate();
    expect(t.engine().generated).toHaveLength(1);
    expect(t.engine().generated[0].lowMemory).toBeUndefined();
  });

  it('once switched on it is remembered, and generations and edits ask the engine for it', async () => {
    const first = makeStudio();
    first.s().device.setLowMemory(true);
    expect(first.settings.current.lowMemory).toBe(true);
    const t = makeStudio({ settings: first.settings });
    expect(t.s().device.lowMemory).toBe(true);
    t.s().generate.setPrompt('a fox');
    await t.s().generate.generate();
    t.s().editor.open(image(256, 256), { name: 'a' });
    t.s().editor.setInstruction('make it blue');
    await t.s().editor.applyEdit();
    expect(t.engine().generated.map((r) => [r.mode, r.lowMemory])).toEqual([
      ['text-to-image', true],
      ['edit', true],
    ]);
    // Other settings saved later keep it.
    t.s().generate.setParams({ steps: 9 });
    expect(t.settings.current.lowMemory).toBe(true);
    t.s().device.setLowMemory(false);
    expect(makeStudio({ settings: t.settings }).s().device.lowMemory).toBe(false);
  });

  it('is read when a job starts: switching it on helps the jobs already waiting in the queue', async () => {
    const engine = new FakeEngine();
    const t = makeStudio({ engine });
    let open!: () => void;
    engine.gate = new Promise<void>((r) => (open = r));
    t.s().generate.setParams({ batchCount: 2, randomSeed: false });
    t.s().generate.setPrompt('a fox');
    const done = t.s().generate.generate();
    for (let i = 0; i < 50 && engine.generated.length === 0; i++) await flush();
    expect(engine.generated).toHaveLength(1); // the first is running, the second waits
    t.s().device.setLowMemory(true);
    engine.gate = null;
    open();
    await done;
    expect(engine.generated.map((r) => r.lowMemory)).toEqual([undefined, true]);
  });
});
