// A ControlNet weighs on the plan what its loader puts on the GPU: the golden tiny Union 2.1 file (real names, real
// layout) loaded by loadControlNet on a recording GPU, against planControl.ts weighControlNet and npm run plan.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTransformerConfig } from '../../src/models/zimage/config.ts';
import { controlConfigFromFile } from '../../src/models/zimage/controlConfig.ts';
import { loadControlNet } from '../../src/models/zimage/loadControl.ts';
import { weighControlNet } from '../../src/models/zimage/planControl.ts';
import { openModelFile } from '../../src/weights/modelFile.ts';
import { BytesSource } from '../../src/weights/source.ts';
import { plan, type PlanReport } from '../../tools/planCore.ts';
import { goldenDir } from '../goldenDir.ts';
import { recordingGpu } from './recordingGpu.ts';

const g = (name: string) => join(goldenDir(), name);
const CONTROL = 'Z-Image-Turbo-Fun-Controlnet-Union-2.1-tiny.safetensors';

describe('ControlNet on the memory plan', () => {
  it('loadControlNet allocates exactly what weighControlNet says', async () => {
    const file = await openModelFile(new BytesSource(readFileSync(g(CONTROL))));
    const dit = parseTransformerConfig(JSON.parse(readFileSync(g('config.json'), 'utf8')) as Record<string, unknown>);
    const cfg = controlConfigFromFile(file, dit.nLayers);
    const { gpu, rec } = recordingGpu();
    const net = await loadControlNet(gpu, file, dit, cfg);
    expect(rec.allocatedBytes).toBe(weighControlNet(file, cfg).total);
    net.release();
  });

  it('npm run plan --files adds it to the set: resident with the DiT, more FLOPs per step', async () => {
    const set = [g('transformer.safetensors'), g('text_encoder.safetensors'), g('vae_flux_names.safetensors')];
    const run = async (files: string[]) => {
      const r = await plan(['--files', ...files, '--json']);
      expect(r.code, r.out).toBe(0);
      return JSON.parse(r.out) as PlanReport;
    };
    const [base, withControl] = [await run(set), await run([...set, g(CONTROL)])];
    const c = withControl.networks.controlNet!;
    expect(c.files).toEqual([CONTROL]);
    expect(withControl.weightsTotal).toBe(base.weightsTotal + c.weights.total);
    for (let i = 0; i < base.sizes.length; i++) {
      expect(withControl.sizes[i].peakBytes.fast).toBeGreaterThan(base.sizes[i].peakBytes.fast + c.weights.total);
      expect(withControl.sizes[i].peakBytes.lowMemory).toBeGreaterThan(base.sizes[i].peakBytes.lowMemory);
      expect(withControl.sizes[i].flopsPerStep).toBeGreaterThan(base.sizes[i].flopsPerStep);
    }
    const two = await plan(['--files', ...set, g(CONTROL), g(CONTROL)]);
    expect(two.code).toBe(2);
  });
});
