// The generation entry: a request on loaded networks, routed once (route.ts) to its pipeline (modes.ts: text-to-image,
// image-to-image, inpaint, the ControlNet inpaint mode, the omni edit), which the shared loop (denoise.ts) runs
// before the VAE decodes. Semantics follow diffusers' ZImagePipeline family (zimage-spec §6).
import type { Tensor } from '../../engine/tensor.ts';
import { hasOmniInputs } from './config.ts';
import { supportsInpaint } from './controlConfig.ts';
import { denoise, initialNoise, LATENT_CHANNELS } from './denoise.ts';
import { Held } from './held.ts';
import { chwToRgba, composite, inwardFeather } from './imageOps.ts';
import { encodeConditioning, PIPELINES } from './modes.ts';
import type { ZImageNetworks } from './networks.ts';
import { type ControlPath, prepareControl } from './pipelineControl.ts';
import { type PipelineMode, type PipelineRequest, validateRequest } from './request.ts';
import { modeRoute, routeRequest, takesControl } from './route.ts';
import { flowMatchSchedule } from './scheduler.ts';
import { decodeTiled } from './vaeTiling.ts';

export type { ZImageNetworks } from './networks.ts';
export type { PipelineMode, PipelineRequest } from './request.ts';
export { initialNoise, LATENT_CHANNELS } from './denoise.ts';

export interface PipelineHooks {
  onPhase(phase: 'tokenizing' | 'encoding' | 'denoising' | 'decoding', step?: number, steps?: number): void;
  /** Throws (a 'cancelled' StudioError) when the job was cancelled; called between steps. */
  checkCancelled(): void;
  /** After each denoising step: the GPU's own time for it (timestamp queries), or null where unavailable. */
  onStepGpuTime?(ms: number | null): void;
  /**
   * Live previews: after each denoising step (1-based `step` of `steps`), the current prediction of the clean latents
   * x0 = z + sigma * out (16, h, w), in the sampler's space. The pipeline releases it once the promise settles.
   */
  onPreview?(x0: Tensor, step: number, steps: number): Promise<void>;
}

export interface PipelineResult {
  rgba: Uint8ClampedArray;
  width: number;
  height: number;
  ranMode: PipelineMode;
  /** Which control path ran: 'control-inpaint' = the control model's inpaint mode, 'none' = no ControlNet. */
  controlPath: ControlPath;
}

export async function runPipeline(net: ZImageNetworks, req: PipelineRequest, hooks: PipelineHooks): Promise<PipelineResult> {
  validateRequest(req);
  const { gpu } = net;
  // The checkpoint's half of the route, known now: it decides the conditioning and whether hints apply.
  const omni = hasOmniInputs(net.transformer.cfg);
  const byMode = modeRoute(req, omni);

  hooks.onPhase('tokenizing');
  hooks.checkCancelled();
  hooks.onPhase('encoding');
  const held = new Held(); // every tensor of the job, released however it ends
  try {
    const cond = await encodeConditioning(net, req, byMode.pipeline, held);
    if (req.lowMemory) net.releaseTextEncoder();
    const schedule = flowMatchSchedule(req.steps, net.shift);
    const noise = held.hold(gpu.upload(initialNoise(req.seed, req.width, req.height), [LATENT_CHANNELS, req.height / 8, req.width / 8], 'f32', 'noise'));
    // The ControlNet loads on first use, after the text encoder is released (the planner counts it in the denoising
    // phase); what it can do completes the route.
    const controlNet = req.control && net.controlNet && takesControl(byMode.pipeline) ? await net.controlNet() : null;
    const route = routeRequest(req, { omni, controlNet: controlNet && { inpaint: supportsInpaint(controlNet.cfg) } });
    const ctl = await prepareControl(gpu, net.vae, controlNet, req, route.controlPath, held.hold);
    const run = await PIPELINES[route.pipeline]({ net, req, cond, noise, sigmas: schedule.sigmas, ctl, held });

    await denoise(gpu, run.job, hooks, held);

    hooks.checkCancelled();
    hooks.onPhase('decoding');
    const pixels = await decodeTiled(gpu, net.vae, run.job.z);
    let rgba = chwToRgba(pixels, req.width, req.height);
    if (run.composite) rgba = composite(rgba, req.image!.data, inwardFeather(req.mask!.data, req.width, req.height, 8));
    return { rgba, width: req.width, height: req.height, ranMode: route.ranMode, controlPath: route.controlPath };
  } finally {
    held.release();
  }
}
