// ControlNet in the pipelines on the embedded self-test model and its tiny random ControlNet (tools/makeSelftest.ts):
// a scribble changes the image at the same seed, scale 0 or an empty step range is exactly the plain path, and
// masked edits through the control model's inpaint mode (or the plain path) never change an unmasked pixel.
import { describe, expect, it } from 'vitest';
import { type PipelineRequest, runPipeline } from '../../src/models/zimage/pipeline.ts';
import type { ControlRequest } from '../../src/models/zimage/pipelineControl.ts';
import { type LoadedZImage, loadZImage } from '../../src/models/zimage/networks.ts';
import { getGpu } from './harness.ts';
import { selfTestSet } from './selfTestSet.ts';

const S = 256;
const set = selfTestSet({ controlnet: true });

/** White strokes on black (a scribble): a diagonal and a box outline, 4 px wide. */
function scribble(): Uint8Array {
  const px = new Uint8Array(S * S * 4);
  for (let y = 0; y < S; y++)
    for (let x = 0; x < S; x++) {
      const line = Math.abs(x - y) < 2 || ((x > 60 && x < 64) || (x > 190 && x < 194)) && y > 60 && y < 194;
      const v = line ? 255 : 0;
      px.set([v, v, v, 255], (y * S + x) * 4);
    }
  return px;
}

const base: PipelineRequest = { mode: 'text-to-image', prompt: 'a house', width: S, height: S, steps: 2, seed: 5 };
const hooks = { onPhase: () => undefined, checkCancelled: () => undefined };
const control = (c: Partial<ControlRequest> = {}): ControlRequest => ({ image: { width: S, height: S, data: scribble() }, scale: 1, start: 0, end: 1, inpaint: true, ...c });
let loaded: LoadedZImage | null = null;
const networks = async () => (loaded ??= await loadZImage(await getGpu(), set, () => undefined)).networks;
const differs = (a: Uint8ClampedArray, b: Uint8ClampedArray) => a.some((v, i) => v !== b[i]);

describe('ControlNet pipelines on the self-test model', () => {
  it('text-to-image with a scribble differs from the same seed without; scale 0 and an empty range are the plain path', async () => {
    const net = await networks();
    const plain = await runPipeline(net, base, hooks);
    const t0 = performance.now();
    const ctl = await runPipeline(net, { ...base, control: control() }, hooks);
    console.log(`[control] 2-step 256² text-to-image with control: ${(performance.now() - t0).toFixed(0)} ms`);
    expect(plain.controlPath).toBe('none');
    expect(ctl.controlPath).toBe('control');
    expect(differs(plain.rgba, ctl.rgba)).toBe(true);
    const again = await runPipeline(net, { ...base, control: control() }, hooks);
    expect(differs(ctl.rgba, again.rgba)).toBe(false);
    const zero = await runPipeline(net, { ...base, control: control({ scale: 0 }) }, hooks);
    expect(differs(plain.rgba, zero.rgba)).toBe(false);
    const late = await runPipeline(net, { ...base, control: control({ start: 0.5, end: 1 }) }, hooks); // step 1 only
    expect(differs(plain.rgba, late.rgba)).toBe(true);
    expect(differs(ctl.rgba, late.rgba)).toBe(true);
  });

  it('inpaint through the control model keeps every unmasked pixel; the switch keeps the plain path', async () => {
    const net = await networks();
    const image = (await runPipeline(net, { ...base, seed: 9 }, hooks)).rgba;
    const mask = new Uint8Array(S * S);
    for (let y = 64; y < 160; y++) for (let x = 96; x < 200; x++) mask[y * S + x] = 255;
    const req: PipelineRequest = { ...base, mode: 'inpaint', image: { width: S, height: S, data: new Uint8Array(image) }, mask: { width: S, height: S, data: mask } };
    const viaControl = await runPipeline(net, { ...req, control: control({ image: null }) }, hooks);
    const plain = await runPipeline(net, { ...req, control: control({ image: null, inpaint: false }) }, hooks);
    expect(viaControl.controlPath).toBe('control-inpaint');
    expect(plain.controlPath).toBe('none');
    for (const r of [viaControl, plain]) {
      let changedOutside = 0;
      let changedInside = 0;
      for (let i = 0; i < S * S; i++) {
        const d = [0, 1, 2].some((c) => r.rgba[i * 4 + c] !== image[i * 4 + c]);
        if (mask[i]) changedInside += d ? 1 : 0;
        else changedOutside += d ? 1 : 0;
      }
      expect(changedOutside).toBe(0);
      expect(changedInside).toBeGreaterThan(0);
    }
    expect(differs(viaControl.rgba, plain.rgba)).toBe(true);
  });
});
