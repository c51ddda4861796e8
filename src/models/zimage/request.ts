// What a pipeline is asked to do: the worker protocol's GenerateRequest (modes, limits, fields and their validation
// are defined there, once) with the image bytes as Uint8Array views, the control hints in the pipeline's form, and
// the diffusers CFG options that only the golden tests set. What the pipeline ignores (LoRAs, applied to the weights
// before it runs; the preview switch, a hook) is left out.
import type { GenerateMode, GenerateRequest } from '../../worker/protocol.ts';
import type { ControlRequest } from './pipelineControl.ts';

export { validateRequest } from '../../worker/protocol.ts';

export type PipelineMode = GenerateMode;

export interface PipelineRequest extends Omit<GenerateRequest<Uint8Array>, 'loras' | 'preview' | 'control'> {
  /** diffusers' cfg_truncation: CFG is off once t (= 1 - sigma) exceeds it; 1 keeps it on throughout. */
  cfgTruncation?: number;
  /** diffusers' cfg_normalization: clip |pred| to |pos| * this; 0 disables. */
  cfgNormalization?: number;
  /** ControlNet hints (pipelineControl.ts); ignored when no ControlNet is stored. */
  control?: ControlRequest;
}
