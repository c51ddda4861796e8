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
