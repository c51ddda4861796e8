import { describe, expect, it } from 'vitest';
import { flowMatchSchedule, modelTimestep, strengthStartIndex } from '../../src/models/zimage/scheduler.ts';

describe('flow-match schedule (zimage-spec §6 table)', () => {
  it('gives the Turbo 8-step sigmas with shift 3 and a terminal 0', () => {
    const { sigmas, timesteps } = flowMatchSchedule(8, 3);
    const want = [1, 0.954545, 0.9, 0.833333, 0.75, 0.642857, 0.5, 0.3, 0];
    expect(sigmas.length).toBe(9);
    want.forEach((w, i) => expect(sigmas[i]).toBeCloseTo(w, 5));
    expect(timesteps[1]).toBeCloseTo(954.545, 2);
    expect(modelTimestep({ sigmas, timesteps }, 7)).toBeCloseTo(0.7, 6);
  });
  it('is the identity schedule with shift 1', () => {
    const { sigmas } = flowMatchSchedule(4, 1);
    expect(Array.from(sigmas)).toEqual([1, 0.75, 0.5, 0.25, 0]);
  });
  it('handles one step and rejects nonsense', () => {
    expect(Array.from(flowMatchSchedule(1).sigmas)).toEqual([1, 0]);
    expect(() => flowMatchSchedule(0)).toThrow(RangeError);
    expect(() => flowMatchSchedule(2.5)).toThrow(RangeError);
  });
  it('starts img2img where diffusers does', () => {
    expect(strengthStartIndex(8, 1)).toBe(0);
    expect(strengthStartIndex(8, 0.6)).toBe(3); // int(8 - 4.8)
    expect(strengthStartIndex(8, 0.5)).toBe(4);
    expect(strengthStartIndex(8, 0)).toBe(8);
    expect(() => strengthStartIndex(8, 1.5)).toThrow(RangeError);
  });
});
