import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loraModuleMap, readZImageLora } from '../../src/models/zimage/lora.ts';
import { splitLoraKey } from '../../src/weights/lora.ts';
import { BytesSource } from '../../src/weights/source.ts';
import { writeSafetensors } from '../../tools/safetensorsWriter.ts';
import { goldenDir } from '../goldenDir.ts';

const TINY = { nLayers: 2, nRefinerLayers: 2 };
const t = (name: string, shape: number[], fill = 0.5) => ({ name, dtype: 'F32' as const, shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(fill) });
const src = (bytes: Uint8Array, name = 'test.safetensors') => new BytesSource(bytes, name);

describe('LoRA key rules (diffusers Z-Image loader facts)', () => {
  it.each([
    ['transformer.layers.0.attention.to_q.lora_A.weight', 'layers.0.attention.to_q', 'down'],
    ['layers.3.feed_forward.w2.lora_B.weight', 'layers.3.feed_forward.w2', 'up'],
    ['base_model.model.layers.0.attention.to_k.lora_A.default.weight', 'layers.0.attention.to_k', 'down'],
    ['lora_unet_layers_0_attention_to_out_0.lora_down.weight', 'layers_0_attention_to_out_0', 'down'],
    ['lora_unet__noise_refiner_1_adaLN_modulation_0.alpha', 'noise_refiner_1_adaLN_modulation_0', 'alpha'],
    ['diffusion_model.noise_refiner.0.attention.out.lora_up.weight', 'noise_refiner.0.attention.out', 'up'],
    ['diffusion_model.layers.1.attention.qkv.lora.down.weight', 'layers.1.attention.qkv', 'down'],
  ])('%s', (key, module, role) => {
    expect(splitLoraKey(key)).toEqual({ module, role });
  });

  it('maps dotted and kohya spellings to the same module; no adaLN in the context refiner', () => {
    const map = loraModuleMap(TINY);
    expect(map.get('layers_1_attention_to_out_0')).toEqual({ group: 'layers', index: 1, targets: ['toOut'] });
    expect(map.get('noise_refiner_0_attention_out')?.targets).toEqual(['toOut']);
    expect(map.get('layers_0_attention_qkv')?.targets).toEqual(['toQ', 'toK', 'toV']);
    expect(map.has('context_refiner_0_adaLN_modulation_0')).toBe(false);
    expect(map.has('noise_refiner_1_adaLN_modulation_0')).toBe(true);
    expect(map.has('layers_2_attention_to_q')).toBe(false);
  });
});

describe('readZImageLora', () => {
  it('resolves every module of the golden adapter files, none unmatched', async () => {
    const dir = goldenDir();
    const files = readdirSync(dir).filter((f) => f.startsWith('adapter_') && f.endsWith('.safetensors'));
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const f of files) {
      const l = await readZImageLora(src(new Uint8Array(readFileSync(resolve(dir, f))), f), TINY);
      expect(l.unmatched, f).toEqual([]);
      expect(l.modules.length, f).toBeGreaterThan(10);
    }
  });

  it('scale = alpha / rank (no alpha: 1); splits a fused qkv up into q, k, v rows; reports unknown keys by name', async () => {
    const up = t('diffusion_model.layers.0.attention.qkv.lora_up.weight', [12, 2]);
    up.data.forEach((_, i) => (up.data[i] = Math.floor(i / 8))); // rows 0-3: 0, 4-7: 1, 8-11: 2
    const bytes = writeSafetensors([
      t('diffusion_model.layers.0.attention.qkv.lora_down.weight', [2, 4]),
      up,
      t('diffusion_model.layers.0.attention.qkv.alpha', [], 1),
      t('diffusion_model.layers.1.feed_forward.w1.lora_down.weight', [4, 4]),
      t('diffusion_model.layers.1.feed_forward.w1.lora_up.weight', [8, 4]),
      t('diffusion_model.x_embedder.lora_down.weight', [2, 4]),
      t('diffusion_model.x_embedder.lora_up.weight', [4, 2]),
      t('diffusion_model.layers.0.attention.to_q.dora_scale', [1, 4]),
    ]);
    const l = await readZImageLora(src(bytes), TINY);
    expect(l.modules.map((m) => `${m.group}.${m.index}.${m.target} ${m.N}x${m.K} r${m.rank} s${m.scale}`)).toEqual([
      'layers.0.toQ 4x4 r2 s0.5',
      'layers.0.toK 4x4 r2 s0.5',
      'layers.0.toV 4x4 r2 s0.5',
      'layers.1.w1 8x4 r4 s1',
    ]);
    expect([...l.modules[1].up]).toEqual([1, 1, 1, 1, 1, 1, 1, 1]); // the k rows (4..7) of up
    expect([...l.modules[2].up]).toEqual([2, 2, 2, 2, 2, 2, 2, 2]);
    expect(l.unmatched.sort()).toEqual(['diffusion_model.layers.0.attention.to_q.dora_scale', 'diffusion_model.x_embedder.lora_down.weight', 'diffusion_model.x_embedder.lora_up.weight']);
  });

  it('refuses a file that is not a LoRA, or a LoRA for another model, in one sentence', async () => {
    const notLora = writeSafetensors([t('layers.0.attention.to_q.weight', [4, 4])]);
    await expect(readZImageLora(src(notLora, 'model.safetensors'), TINY)).rejects.toThrow(/^model\.safetensors is not a LoRA: .*\.$/);
    const flux = writeSafetensors([t('transformer.single_transformer_blocks.0.attn.to_q.lora_A.weight', [2, 4]), t('transformer.single_transformer_blocks.0.attn.to_q.lora_B.weight', [4, 2])]);
    await expect(readZImageLora(src(flux, 'flux.safetensors'), TINY)).rejects.toMatchObject({ code: 'bad-model-file', message: expect.stringMatching(/not a Z-Image LoRA/) });
    await expect(readZImageLora(src(new Uint8Array([1, 2, 3])), TINY)).rejects.toMatchObject({ code: 'bad-model-file' });
  });
});
