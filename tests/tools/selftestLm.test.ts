// The embedded self-test set must let the prompt enhancer run: its text encoder holds every layer, the final norm
// and the token table (the tied head), and still passes detection as a Qwen3 file.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTextEncoderConfig } from '../../src/models/zimage/config.ts';
import { canRunLm } from '../../src/models/zimage/loadLm.ts';
import { openModelFile } from '../../src/weights/modelFile.ts';
import { BytesSource } from '../../src/weights/source.ts';
import { makeSelftest, SELFTEST_TEXT_ENCODER_CONFIG } from '../../tools/makeSelftest.ts';

describe('self-test model set', () => {
  it('has a text encoder with all layers, model.norm.weight and the token table', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'selftest-'));
    try {
      expect(makeSelftest(dir)).toBe(true);
      const file = await openModelFile(new BytesSource(new Uint8Array(readFileSync(join(dir, 'text_encoder.safetensors')))));
      const cfg = parseTextEncoderConfig(SELFTEST_TEXT_ENCODER_CONFIG);
      expect(file.detect().ok).toBe(true);
      expect(canRunLm(file, cfg)).toBe(true);
      for (let i = 0; i < cfg.nLayers; i++) expect(file.tensors.has(`model.layers.${i}.mlp.down_proj.weight`)).toBe(true);
      expect(file.tensors.get('model.norm.weight')?.shape).toEqual([cfg.hiddenSize]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('weighLm', () => {
  it('counts the extra layer, the norm, the head table and the KV cache of the self-test LM', async () => {
    const { weighLm } = await import('../../src/models/zimage/planLm.ts');
    const dir = mkdtempSync(join(tmpdir(), 'selftest-'));
    try {
      makeSelftest(dir);
      const file = await openModelFile(new BytesSource(new Uint8Array(readFileSync(join(dir, 'text_encoder.safetensors')))));
      const cfg = parseTextEncoderConfig(SELFTEST_TEXT_ENCODER_CONFIG);
      const w = weighLm(file, cfg, 100);
      expect(w.head).toBe(384 * 64 * 2); // an F16 table under the default policy's f16 embedding
      expect(w.kvCache).toBe(3 * 2 * 100 * 2 * 32 * 4);
      expect(w.extra).toBeGreaterThan(w.head);
      expect(w.peak).toBeGreaterThan(w.extra + w.kvCache);
      expect(w.perTokenRead).toBeLessThan(w.peak);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
