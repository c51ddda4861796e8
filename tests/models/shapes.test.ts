import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FLUX_VAE, parseTextEncoderConfig, parseTransformerConfig, parseVaeConfig, QWEN3_4B, TURBO_TRANSFORMER } from '../../src/models/zimage/config.ts';
import { countParams, textEncoderShapes, transformerShapes, vaeDecoderShapes, vaeEncoderShapes } from '../../src/models/zimage/shapes.ts';
import { goldenDir } from '../goldenDir.ts';

/** name -> shape from a safetensors header (read directly: this test checks our shape tables, not the reader). */
function header(file: string): Map<string, number[]> {
  const buf = readFileSync(`${goldenDir()}/${file}`);
  const n = Number(buf.readBigUInt64LE(0));
  const h = JSON.parse(buf.subarray(8, 8 + n).toString('utf8')) as Record<string, { shape: number[] }>;
  return new Map(Object.entries(h).filter(([k]) => k !== '__metadata__').map(([k, v]) => [k, v.shape]));
}
const json = (f: string) => JSON.parse(readFileSync(`${goldenDir()}/${f}`, 'utf8'));

describe('tensor shape tables', () => {
  it('match the real Turbo parameter counts (zimage-spec §2)', () => {
    expect(countParams(transformerShapes(TURBO_TRANSFORMER))).toBe(6_154_908_736);
    expect(transformerShapes(TURBO_TRANSFORMER).length).toBe(521);
    expect(countParams(vaeDecoderShapes(FLUX_VAE))).toBe(49_545_475);
    expect(countParams(vaeDecoderShapes(FLUX_VAE)) + countParams(vaeEncoderShapes(FLUX_VAE))).toBe(83_819_683);
    expect(countParams(textEncoderShapes(QWEN3_4B))).toBe(4_022_468_096);
    expect(countParams(textEncoderShapes(QWEN3_4B, 35))).toBe(3_921_534_720);
  });
  for (const [file, cfgFile, fn] of [
    ['transformer.safetensors', 'config.json', (j: object) => transformerShapes(parseTransformerConfig(j as never))],
    ['transformer_omni.safetensors', 'config_omni.json', (j: object) => transformerShapes(parseTransformerConfig(j as never))],
    ['text_encoder.safetensors', 'text_encoder_config.json', (j: object) => textEncoderShapes(parseTextEncoderConfig(j as never))],
    ['vae_diffusers_names.safetensors', 'vae_config.json', (j: object) => [...vaeDecoderShapes(parseVaeConfig(j as never)), ...vaeEncoderShapes(parseVaeConfig(j as never))]],
  ] as const) {
    it(`match every tensor of golden ${file}`, () => {
      const want = header(file);
      const got = new Map(fn(json(cfgFile)));
      expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
      for (const [k, s] of want) expect(got.get(k), k).toEqual(s);
    });
  }
});
