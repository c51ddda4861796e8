// The memory plan's share of a ControlNet file: weighed tensor by tensor as loadControl.ts stores it (the import
// policy's format for each tensor's role, weights/policy.ts), from the header alone. A 2.0 file's control refiner,
// which that version never runs, is not uploaded and not weighed.
import type { ModelFile } from '../../weights/modelFile.ts';
import { DEFAULT_POLICY, formatFor, type ImportPolicy } from '../../weights/policy.ts';
import { storedTensor } from '../../weights/storedFormat.ts';
import type { ControlConfig } from './controlConfig.ts';
import type { TransformerConfig } from './config.ts';
import { act, type ControlAddition, ditBlockFlops, type NetworkBytes } from './plan.ts';
import { padTo } from './sequence.ts';

/** GPU bytes of the ControlNet weights loadControlNet uploads for `cfg`. */
export function weighControlNet(f: ModelFile, cfg: ControlConfig, policy: ImportPolicy = DEFAULT_POLICY): NetworkBytes {
  const bytes: NetworkBytes = { total: 0, byFormat: {}, cpu: 0 };
  const usesRefiner = cfg.refinerPlaces.length > 0 && cfg.refinerFromControlRefiner;
  for (const [name, t] of f.tensors) {
    if (!usesRefiner && /(?:^|\.)control_noise_refiner\./.test(name)) continue;
    const st = storedTensor(t, formatFor(policy, t.role));
    bytes.total += st.gpuBytes;
    bytes.byFormat[st.format] = (bytes.byFormat[st.format] ?? 0) + st.gpuBytes;
  }
  return bytes;
}

/**
 * What running this ControlNet adds per generation (control.ts): the control stream over the unified sequence and
 * one hint at a time (2 (L, D)), block 0's before_proj output over the image tokens, and the control input (33 or
 * 16 channels at latent size); per step, every control layer over the unified sequence, every control refiner block
 * over the image tokens, and their before / after projections (D×D each).
 */
export function controlAddition(weights: NetworkBytes, cfg: ControlConfig, dit: TransformerConfig): ControlAddition {
  const D = dit.dim;
  const nRefiner = cfg.refinerFromControlRefiner ? cfg.refinerPlaces.length : 0;
  return {
    weights: weights.total,
    activations: (L, imageTokens, lat) => 2 * act(L * D) + act(imageTokens * D) + act(cfg.inDim * lat * lat),
    flopsPerStep: (imageTokens, capTokens) => {
      const Li = padTo(imageTokens);
      const L = Li + padTo(capTokens);
      const proj = (n: number, tokens: number) => n * 2 * tokens * D * D;
      return cfg.layerPlaces.length * ditBlockFlops(dit, L) + nRefiner * ditBlockFlops(dit, Li) + proj(cfg.layerPlaces.length + 1, L) + proj(nRefiner + 1, Li);
    },
  };
}
