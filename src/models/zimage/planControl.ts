// The memory plan's share of a ControlNet file: weighed tensor by tensor as loadControl.ts stores it (the import
// policy's format for each tensor's role, weights/policy.ts), from the header alone. A 2.0 file's control refiner,
// which that version never runs, is not uploaded and not weighed.
import type { ModelFile } from '../../weights/modelFile.ts';
import { DEFAULT_POLICY, formatFor, type ImportPolicy } from '../../weights/policy.ts';
import { storedTensor } from '../../weights/storedFormat.ts';
import type { ControlConfig } from './controlConfig.ts';
import type { NetworkBytes } from './plan.ts';

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
