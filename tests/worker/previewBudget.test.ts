import { describe, expect, it } from 'vitest';
import { PreviewBudget } from '../../src/worker/previewBudget.ts';

/** Which of `steps` steps get a preview when a step takes stepMs and a preview decodeMs. */
function previewed(stepMs: number, decodeMs: number, steps: number): number[] {
  let now = 0;
  const b = new PreviewBudget(now);
  const out: number[] = [];
  for (let i = 1; i <= steps; i++) {
    now += stepMs;
    if (b.shouldPreview(now)) {
      out.push(i);
      now += decodeMs;
      b.spent(decodeMs, now);
    }
  }
  return out;
}

describe('live preview budget', () => {
  it('previews every step when a decode is cheap (a real GPU: a few percent of a step)', () => {
    expect(previewed(100, 3, 8)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
  it('thins previews out when a decode costs more than a step, keeping their share near 25%', () => {
    const steps = previewed(2000, 10_000, 40); // SwiftShader: a preview costs five steps
    expect(steps[0]).toBe(1);
    // every decode but the last started within 25% of the denoising time so far
    expect((steps.length - 1) * 10_000).toBeLessThanOrEqual(0.25 * 40 * 2000);
    expect(steps).toEqual([1, 20, 40]); // 10 s decodes within a quarter of 80 s of denoising
  });
  it('always previews the first step', () => {
    expect(previewed(1, 1e6, 3)[0]).toBe(1);
  });
});
