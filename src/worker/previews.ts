// Live step previews in the worker: each step's x0 prediction through the set's TAEF1 decoder, timed, handed on as a
// PreviewFrame (the progress path carries it to the UI), as often as the preview budget allows.
import type { Gpu } from '../engine/gpu.ts';
import { decodePreview } from '../models/zimage/preview.ts';
import type { Taef1 } from '../models/zimage/taef1.ts';
import type { Tensor } from '../engine/tensor.ts';
import { PreviewBudget } from './previewBudget.ts';
import type { PreviewFrame } from './protocol.ts';

/** The step hook of one generation: decodes previews within the PreviewBudget (previewBudget.ts). */
export function previewHook(gpu: Gpu, taef1: Taef1, emit: (frame: PreviewFrame) => void): (x0: Tensor, step: number, steps: number) => Promise<void> {
  const budget = new PreviewBudget(performance.now());
  return async (x0, step, steps) => {
    const t0 = performance.now();
    if (!budget.shouldPreview(t0)) return;
    const img = await decodePreview(gpu, taef1, x0);
    const decodeMs = performance.now() - t0;
    budget.spent(decodeMs, performance.now());
    emit({ step, steps, decodeMs, image: { width: img.width, height: img.height, data: img.data.buffer as ArrayBuffer } });
  };
}
