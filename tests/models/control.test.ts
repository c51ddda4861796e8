import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keepMaskLatent, maskedImage } from '../../src/models/zimage/controlContext.ts';
import { inferControlConfig, parseControlConfig, supportsInpaint, UNION_2_1 } from '../../src/models/zimage/controlConfig.ts';
import { weighControlNet } from '../../src/models/zimage/planControl.ts';
import { BUILTIN_CONTROLNETS } from '../../src/library/controlCatalog.ts';
import { ModelFile } from '../../src/weights/modelFile.ts';
import { tensorRole } from '../../src/weights/policy.ts';
import { BytesSource, type RawTensor } from '../../src/weights/source.ts';
import { goldenDir } from '../goldenDir.ts';

/** A header-only Union 2.1 file at the real size (BF16), for weighing. */
function realUnionFile(): ModelFile {
  const D = 3840;
  const F = 10240;
  const raw: RawTensor[] = [];
  const src = new BytesSource(new Uint8Array(0));
  const add = (name: string, shape: number[]) => raw.push({ name, dtype: 'BF16', shape, offset: 0, byteLength: shape.reduce((a, b) => a * b, 1) * 2, source: src });
  const block = (p: string, first: boolean) => {
    for (const m of ['to_q', 'to_k', 'to_v', 'to_out.0']) add(`${p}.attention.${m}.weight`, [D, D]);
    add(`${p}.attention.norm_q.weight`, [128]);
    add(`${p}.attention.norm_k.weight`, [128]);
    add(`${p}.feed_forward.w1.weight`, [F, D]);
    add(`${p}.feed_forward.w2.weight`, [D, F]);
    add(`${p}.feed_forward.w3.weight`, [F, D]);
    for (const n of ['attention_norm1', 'attention_norm2', 'ffn_norm1', 'ffn_norm2']) add(`${p}.${n}.weight`, [D]);
    add(`${p}.adaLN_modulation.0.weight`, [4 * D, 256]);
    add(`${p}.adaLN_modulation.0.bias`, [4 * D]);
    for (const proj of first ? ['before_proj', 'after_proj'] : ['after_proj']) {
      add(`${p}.${proj}.weight`, [D, D]);
      add(`${p}.${proj}.bias`, [D]);
    }
  };
  for (let i = 0; i < 15; i++) block(`control_layers.${i}`, i === 0);
  for (let i = 0; i < 2; i++) block(`control_noise_refiner.${i}`, i === 0);
  add('control_all_x_embedder.2-1.weight', [D, 132]);
  add('control_all_x_embedder.2-1.bias', [D]);
  return new ModelFile('safetensors', raw, new Map());
}

describe('ControlNet config', () => {
  it('reads the golden diffusers config (with VideoX-Fun kwargs) and the catalog entry as Union 2.1', () => {
    const golden = parseControlConfig(JSON.parse(readFileSync(resolve(goldenDir(), 'controlnet_config.json'), 'utf8')));
    expect(golden).toEqual({ layerPlaces: [0, 1], refinerPlaces: [0, 1], inDim: 33, refinerFromControlRefiner: true });
    expect(supportsInpaint(golden)).toBe(true);
    expect(parseControlConfig(BUILTIN_CONTROLNETS[0].config)).toEqual(UNION_2_1);
  });
  it('infers the places a single file implies: Union every other layer, lite [0, 10, 20], 1.0 every fifth', () => {
    expect(inferControlConfig(15, 2, 33, 30)).toEqual(UNION_2_1);
    expect(inferControlConfig(3, 2, 33, 30).layerPlaces).toEqual([0, 10, 20]);
    expect(inferControlConfig(6, 0, 16, 30)).toEqual({ layerPlaces: [0, 5, 10, 15, 20, 25], refinerPlaces: [], inDim: 16, refinerFromControlRefiner: false });
    expect(() => inferControlConfig(7, 2, 33, 30)).toThrow(/does not fit a DiT of 30 layers/);
    expect(() => parseControlConfig({ control_layers_places: [2, 4] })).toThrow(/starting at layer 0/);
  });
  it('gives control matrices q4 and adaLN / before / after projections q8 (policy roles by name)', () => {
    expect(tensorRole('unknown', 'control_layers.3.feed_forward.w2.weight')).toBe('matrix');
    expect(tensorRole('unknown', 'control_noise_refiner.0.attention.to_out.0.weight')).toBe('matrix');
    expect(tensorRole('unknown', 'control_layers.0.before_proj.weight')).toBe('modulation');
    expect(tensorRole('unknown', 'control_layers.0.after_proj.bias')).toBe('precise');
    expect(tensorRole('unknown', 'control_all_x_embedder.2-1.weight')).toBe('precise');
  });
});

describe('ControlNet plan', () => {
  it('weighs the real Union 2.1 at about 2.3 GB on the GPU under the default policy', () => {
    const w = weighControlNet(realUnionFile(), UNION_2_1);
    expect(w.total / 1e9).toBeGreaterThan(1.8);
    expect(w.total / 1e9).toBeLessThan(2.4);
    expect(w.byFormat.q4).toBeGreaterThan(0.8 * w.total);
    // 2.0 never runs its control refiner: not uploaded, not weighed
    const v20 = weighControlNet(realUnionFile(), { ...UNION_2_1, refinerFromControlRefiner: false });
    expect(v20.total).toBeLessThan(w.total);
    console.log(`[plan] Union 2.1 at default policy: ${(w.total / 1e9).toFixed(3)} GB`, w.byFormat);
  });
});

describe('control input assembly (CPU parts)', () => {
  it('masks the image and downsamples 1 - mask at the pixel (8i, 8j)', () => {
    const W = 16;
    const H = 8;
    const mask = new Uint8Array(W * H);
    for (let y = 0; y < H; y++) for (let x = 8; x < W; x++) mask[y * W + x] = 255; // right half repainted
    const image = Float32Array.from({ length: 3 * W * H }, (_, i) => (i % 7) / 7 - 0.5);
    const m = maskedImage(image, mask);
    for (let c = 0; c < 3; c++) {
      expect(m[c * W * H + 3]).toBe(image[c * W * H + 3]);
      expect(m[c * W * H + 9]).toBe(0);
    }
    expect(Array.from(keepMaskLatent(mask, W, H))).toEqual([1, 0]);
  });
});
