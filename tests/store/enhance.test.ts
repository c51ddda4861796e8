import { describe, expect, it } from 'vitest';
import type { ImageMetadata } from '../../src/worker/protocol.ts';
import { FakeEngine, makeStudio } from './fakes.ts';

const image = (w: number, h: number) => ({ width: w, height: h, data: new Uint8Array(w * h * 4).fill(200).buffer });
const META: ImageMetadata = { prompt: 'a quiet village street', negativePrompt: '', seed: 1, steps: 8, width: 256, height: 256, model: 'm', mode: 'text-to-image', strength: null, guidanceScale: null };

describe('enhance slice', () => {
  it('streams the enhanced prompt into the Create box, reports speed, and undoes back to the original', async () => {
    const t = makeStudio();
    t.s().generate.setPrompt('lighthouse');
    await t.s().enhance.enhance('create');
    const e = t.engine();
    expect(e.enhanced).toEqual([{ mode: 'create', prompt: 'lighthouse', seed: 1000 }]);
    expect(t.s().generate.params.prompt).toBe('A lighthouse at dusk');
    expect(t.s().enhance.status).toBe('idle');
    expect(t.s().enhance.tokens).toBe(4);
    expect(t.s().enhance.notice).toMatch(/4 tokens, 10\.0 tokens\/s/);
    t.s().enhance.revert();
    expect(t.s().generate.params.prompt).toBe('lighthouse');
  });

  it('sends the edit instruction with the source image\'s own prompt and writes into the instruction', async () => {
    const t = makeStudio();
    t.s().editor.open(image(256, 256), { name: 'a', meta: META });
    t.s().editor.setInstruction('make it snow');
    await t.s().enhance.enhance('edit');
    expect(t.engine().enhanced[0]).toMatchObject({ mode: 'edit', prompt: 'make it snow', sourcePrompt: 'a quiet village street' });
    expect(t.s().editor.instruction).toBe('A lighthouse at dusk');
  });

  it('cancel stops the stream, keeps what was written, and generation then works', async () => {
    const engine = new FakeEngine();
    let release = () => {};
    engine.gate = new Promise((r) => (release = r));
    const t = makeStudio({ engine });
    t.s().generate.setPrompt('lighthouse');
    const running = t.s().enhance.enhance('create');
    await new Promise((r) => setTimeout(r, 0));
    expect(t.s().enhance.status).toBe('running');
    expect(t.s().generate.params.prompt).toBe('A');
    await t.s().enhance.cancel();
    release();
    await running;
    expect(t.s().enhance.status).toBe('idle');
    expect(t.s().enhance.notice).toMatch(/cancelled/i);
    expect(t.s().generate.params.prompt).toBe('A');
    engine.gate = null;
    await t.s().generate.generate();
    expect(engine.generated.map((r) => r.prompt)).toEqual(['A']);
    expect(t.s().generate.error).toBeNull();
  });

  it('refuses an empty box with a full sentence and shows engine errors', async () => {
    const t = makeStudio();
    await t.s().enhance.enhance('create');
    expect(t.s().enhance.error?.message).toMatch(/^Write a short prompt first/);
    t.s().generate.setPrompt('x');
    await t.s().models.ensureLoaded();
    t.engine().enhancePrompt = async () => ({ ok: false, error: { code: 'bad-model-file', message: 'This text encoder file cannot run as the prompt enhancer.' } });
    await t.s().enhance.enhance('create');
    expect(t.s().enhance.error?.code).toBe('bad-model-file');
    expect(t.s().generate.params.prompt).toBe('x');
  });
});
