import { describe, expect, it } from 'vitest';
import { encodeStudioPng } from '../../src/lib/png.ts';
import { readStudioMetadata } from '../../src/lib/pngMeta.ts';
import type { LoraInfo, LorasApi, Result } from '../../src/worker/protocol.ts';
import { makeStudio } from './fakes.ts';

const info = (id: string, name: string): LoraInfo => ({ id, name, bytes: 100, source: 'file', modules: 3, unmatched: [], addedAt: Number(id.slice(1)) });
const ok = <T>(value: T): Result<T> => ({ ok: true, value });

class FakeLoras implements LorasApi {
  list = [info('a1', 'style.safetensors'), info('b2', 'other-base.safetensors')];
  listLoras = async () => ok(this.list);
  importLora = async (f: File) => ok((this.list.push(info('c3', f.name)), this.list[2]));
  addLoraUrl = async () => ({ ok: false, error: { code: 'network', message: 'The server answered 404.' } }) as Result<LoraInfo>;
  deleteLora = async (id: string) => ok((this.list = this.list.filter((x) => x.id !== id), undefined));
  checkLora = async (id: string): Promise<Result<void>> =>
    id === 'b2' ? { ok: false, error: { code: 'bad-request', message: 'LoRA "other-base.safetensors" does not fit the loaded model: its layers.0.toQ delta is 10x10 but the model\'s weight is 96x96 (a LoRA for another base model).' } } : ok(undefined);
}

describe('loras slice', () => {
  it('lists, enables with a fit check (refusing with the reason), sets strengths, and generate requests carry them', async () => {
    const t = makeStudio({ loras: new FakeLoras() });
    await t.s().loras.refresh();
    expect(t.s().loras.list.map((x) => x.name)).toEqual(['style.safetensors', 'other-base.safetensors']);
    await t.s().loras.setEnabled('b2', true);
    expect(t.s().loras.error?.message).toMatch(/does not fit the loaded model/);
    expect(t.s().loras.choice.b2.enabled).toBe(false);
    await t.s().loras.setEnabled('a1', true);
    t.s().loras.setStrength('a1', -3); // clamped to -2
    expect(t.s().loras.uses()).toEqual([{ id: 'a1', strength: -2 }]);
    await t.s().device.check();
    t.s().generate.setPrompt('a cat');
    await t.s().generate.generate();
    expect(t.engine().generated.at(-1)?.loras).toEqual([{ id: 'a1', strength: -2 }]);
  });

  it('restores LoRAs by name from image metadata (PNG round trip) and reports ones not stored', async () => {
    const t = makeStudio({ loras: new FakeLoras() });
    await t.s().loras.refresh();
    const meta = { prompt: 'p', negativePrompt: '', seed: 1, steps: 8, width: 64, height: 64, model: 'm', mode: 'text-to-image' as const, strength: null, guidanceScale: null, loras: [{ name: 'style.safetensors', strength: 0.75 }, { name: 'gone.safetensors', strength: 1 }] };
    const png = await encodeStudioPng({ width: 1, height: 1, data: new Uint8Array(4) }, meta);
    expect(readStudioMetadata(png)?.loras).toEqual(meta.loras);
    expect(t.s().generate.restoreFromPng(png)).toBe(true);
    expect(t.s().loras.uses()).toEqual([{ id: 'a1', strength: 0.75 }]);
    expect(t.s().loras.error?.message).toMatch(/gone\.safetensors, which is not stored here/);
  });

  it('imports a file and reports a failed URL with its sentence', async () => {
    const t = makeStudio({ loras: new FakeLoras() });
    await t.s().loras.importFile(new File([new Uint8Array(4)], 'new.safetensors'));
    expect(t.s().loras.list.map((x) => x.name)).toContain('new.safetensors');
    expect(t.s().loras.notice).toMatch(/Added new\.safetensors/);
    await t.s().loras.addUrl('https://example.com/x.safetensors');
    expect(t.s().loras.error?.message).toBe('The server answered 404.');
  });
});
