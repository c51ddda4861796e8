// What a pipeline is asked to do: modes, sizes, steps, strength, source image and mask, and their validation.
import { StudioError } from '../../lib/errors.ts';
import type { ControlRequest } from './pipelineControl.ts';

export type PipelineMode = 'text-to-image' | 'image-to-image' | 'inpaint' | 'edit';

export interface PipelineRequest {
  mode: PipelineMode;
  prompt: string;
  negativePrompt?: string;
  width: number;
  height: number;
  steps: number;
  seed: number;
  guidanceScale?: number;
  /** diffusers' cfg_truncation: CFG is off once t (= 1 - sigma) exceeds it; 1 keeps it on throughout. */
  cfgTruncation?: number;
  /** diffusers' cfg_normalization: clip |pred| to |pos| * this; 0 disables. */
  cfgNormalization?: number;
  strength?: number;
  image?: { width: number; height: number; data: Uint8Array };
  mask?: { width: number; height: number; data: Uint8Array };
  lowMemory?: boolean;
  /** ControlNet hints (pipelineControl.ts); ignored when no ControlNet is stored. */
  control?: ControlRequest;
}

export const MIN_SIDE = 256;
export const MAX_SIDE = 2048;

export function validateRequest(r: PipelineRequest): void {
  for (const [name, v] of [['width', r.width], ['height', r.height]] as const)
    if (!Number.isInteger(v) || v % 16 !== 0 || v < MIN_SIDE || v > MAX_SIDE)
      throw new StudioError('bad-request', `The image ${name} must be a multiple of 16 between ${MIN_SIDE} and ${MAX_SIDE} pixels; got ${v}.`);
  if (!Number.isInteger(r.steps) || r.steps < 1 || r.steps > 100) throw new StudioError('bad-request', `Steps must be a whole number from 1 to 100; got ${r.steps}.`);
  if (!Number.isFinite(r.seed)) throw new StudioError('bad-request', 'The seed must be a number.');
  if (r.mode !== 'text-to-image') {
    if (!r.image) throw new StudioError('bad-request', `${r.mode} needs a source image.`);
    if (r.image.width !== r.width || r.image.height !== r.height)
      throw new StudioError('bad-request', `The source image is ${r.image.width}×${r.image.height} but the request is ${r.width}×${r.height}; resize it to a multiple of 16 first.`);
    if (r.image.data.length !== r.width * r.height * 4) throw new StudioError('bad-request', 'The source image data does not match its size.');
  }
  if (r.mode === 'inpaint' && !r.mask) throw new StudioError('bad-request', 'Inpainting needs a mask: paint the area to change.');
  if (r.mask && (r.mask.width !== r.width || r.mask.height !== r.height || r.mask.data.length !== r.width * r.height))
    throw new StudioError('bad-request', 'The mask does not match the image size.');
  const s = r.strength ?? 1;
  if (!(s >= 0 && s <= 1)) throw new StudioError('bad-request', `Strength must be between 0 and 1; got ${s}.`);
}
