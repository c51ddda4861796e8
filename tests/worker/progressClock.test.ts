import { describe, expect, it } from 'vitest';
import { ProgressClock } from '../../src/worker/jobs.ts';
import type { Progress } from '../../src/worker/protocol.ts';

describe('ProgressClock: phases, fractions and per-step GPU time', () => {
  it('reports the last finished step’s GPU time from the next report on, and their mean at the end', () => {
    const seen: Progress[] = [];
    const clock = new ProgressClock((p) => seen.push(p));
    clock.phase('denoising', 1, 4);
    expect(seen[0].gpuStepMs).toBeUndefined(); // no step finished yet
    expect(seen[0].fraction).toBeCloseTo(0.05);
    clock.gpuStep(30);
    clock.phase('denoising', 2, 4);
    expect(seen[1].gpuStepMs).toBe(30);
    clock.gpuStep(50);
    clock.phase('decoding');
    expect(seen[2].gpuStepMs).toBe(50);
    expect(clock.gpuMsPerStep).toBe(40);
  });

  it('says nothing of GPU time when a step could not be measured, or none ran', () => {
    const seen: Progress[] = [];
    const clock = new ProgressClock((p) => seen.push(p));
    expect(clock.gpuMsPerStep).toBeNull();
    clock.gpuStep(30);
    clock.gpuStep(null); // e.g. a step whose stamps were not written
    clock.phase('denoising', 3, 4);
    expect(seen[0].gpuStepMs).toBeUndefined();
    expect(clock.gpuMsPerStep).toBeNull();
  });
});
