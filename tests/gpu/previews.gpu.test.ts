// Live previews on the self-test model: one TAEF1 frame per denoising step, the result unchanged by them, nothing
// leaked; and what a preview costs per step next to the step itself (printed: `[preview-cost] ...`). The published
// 64-channel TAEF1 is too slow for SwiftShader in a test (about 64x the self-test's 8-channel work per pixel).
import { describe, expect, it } from 'vitest';
import type { Tensor } from '../../src/engine/tensor.ts';
import { type PipelineRequest, runPipeline } from '../../src/models/zimage/pipeline.ts';
import { decodePreview, type PreviewImage } from '../../src/models/zimage/preview.ts';
import { type LoadedZImage, loadZImage } from '../../src/models/zimage/networks.ts';
import { getGpu } from './harness.ts';
import { selfTestSet } from './selfTestSet.ts';

const selfTest = selfTestSet({ previews: true });

let loaded: LoadedZImage | null = null;
const set = async () => (loaded ??= await loadZImage(await getGpu(), selfTest, () => undefined));

describe('live previews (TAEF1) on the self-test model', () => {
  it('one frame per step, step numbers in order, the final image unchanged, no tensor left behind, seed=21', async () => {
    const gpu = await getGpu();
    const s = await set();
    expect(s.previews).not.toBeNull();
    const req: PipelineRequest = { mode: 'text-to-image', prompt: 'a harbour', width: 256, height: 256, steps: 3, seed: 21 };
    const plain = await runPipeline(s.networks, req, { onPhase: () => undefined, checkCancelled: () => undefined });
    const before = gpu.pool.stats().inUseBytes;
    const frames: { step: number; steps: number; img: PreviewImage }[] = [];
    const withPreviews = await runPipeline(s.networks, req, {
      onPhase: () => undefined,
      checkCancelled: () => undefined,
      onPreview: async (x0: Tensor, step, steps) => {
        expect(x0.shape).toEqual([16, 32, 32]);
        frames.push({ step, steps, img: await decodePreview(gpu, s.previews!, x0) });
      },
    });
    expect(frames.map((f) => [f.step, f.steps])).toEqual([[1, 3], [2, 3], [3, 3]]);
    expect(frames[0].img.width).toBe(256);
    expect(frames[0].img.data.length).toBe(256 * 256 * 4);
    expect(frames[2].img.data.some((v, i) => i % 4 !== 3 && v !== frames[0].img.data[i])).toBe(true); // the image moves
    expect(Array.from(withPreviews.rgba)).toEqual(Array.from(plain.rgba)); // previews read, never touch, the latents
    expect(gpu.pool.stats().inUseBytes).toBe(before);
  });

  it('cost per step: the DiT step vs the preview decode with the self-test TAEF1, seed=22', async () => {
    const gpu = await getGpu();
    const s = await set();
    const mean = (v: number[]) => (v.reduce((x, y) => x + y, 0) / v.length).toFixed(1);
    for (const side of [256]) {
      const stepStarts: number[] = [];
      const previewMs: number[] = [];
      await runPipeline(s.networks, { mode: 'text-to-image', prompt: 'a harbour', width: side, height: side, steps: 3, seed: 22 }, {
        onPhase: (phase) => {
          if (phase === 'denoising' || phase === 'decoding') stepStarts.push(performance.now());
        },
        checkCancelled: () => undefined,
        onPreview: async (x0) => {
          const a = performance.now();
          await decodePreview(gpu, s.previews!, x0);
          previewMs.push(performance.now() - a);
        },
      });
      // A step's own time: from its start to the next phase, minus the preview decoded in between.
      const stepMs = stepStarts.slice(1).map((t, i) => t - stepStarts[i] - previewMs[i]);
      console.log(`[preview-cost] ${side}x${side}: self-test DiT step ${mean(stepMs)} ms, self-test TAEF1 (8 ch) preview ${mean(previewMs)} ms per step`);
      expect(stepMs.every((v) => v > 0)).toBe(true);
    }
  });
});
