// Which pipeline a request runs: one rule, decided from the request and what the loaded networks can do, and
// reported with the image (`ranMode`, `controlPath`). On a validated request (request.ts):
//
//   mode            omni checkpoint  mask  ControlNet (asked for and stored)         pipeline          ranMode  controlPath
//   text-to-image   either           -     a control image                           text-to-image     =mode    control
//   image-to-image  either           -     a control image                           image-to-image    =mode    control
//   inpaint         either           yes   inpaint switch on and the model has it    control-inpaint   inpaint  control-inpaint
//   inpaint         either           yes   otherwise a control image                 inpaint           inpaint  control
//   edit            yes              any   never (no control branch for omni yet)    omni-edit         edit     none
//   edit            no               yes   as inpaint                                as inpaint        inpaint  as inpaint
//   edit            no               no    as image-to-image                         image-to-image    i2i      as i2i
//   any other case (no hints asked, no ControlNet stored, neither a control image nor its inpaint mode): 'none'
//
// The checkpoint's half is known before anything runs and decides the conditioning (captions, or the omni caption
// segments) and whether hints apply at all; the ControlNet's half is known once it is loaded, which runPipeline does
// after the text encoder (the planner's low-memory peak counts the ControlNet in the denoising phase only).
import type { ControlPath, ControlRequest } from './pipelineControl.ts';
import type { PipelineMode, PipelineRequest } from './request.ts';

/** The per-mode pipelines (modes.ts): each prepares its own start, per-step model call and finish. */
export type PipelineName = 'text-to-image' | 'image-to-image' | 'inpaint' | 'control-inpaint' | 'omni-edit';

export interface Route {
  pipeline: PipelineName;
  /** The mode that ran: an edit without an omni checkpoint runs as inpaint (with a mask) or image-to-image. */
  ranMode: PipelineMode;
  controlPath: ControlPath;
}

/** What the ControlNet loaded for this request can do: its inpaint mode (a 33-channel control input) or not. */
export interface ControlCaps {
  inpaint: boolean;
}

export interface Capabilities {
  /** The transformer has the omni (image-conditioned) inputs: an edit runs on it with the source as a reference. */
  omni: boolean;
  /** The ControlNet loaded for this request; null when none is stored or none was asked for. */
  controlNet: ControlCaps | null;
}

export type RouteRequest = Pick<PipelineRequest, 'mode' | 'mask'> & { control?: Pick<ControlRequest, 'image' | 'inpaint'> };

/** The checkpoint's half: the pipeline by mode, before any ControlNet is considered. */
export function modeRoute(req: RouteRequest, omni: boolean): Route {
  if (req.mode !== 'edit') return { pipeline: req.mode, ranMode: req.mode, controlPath: 'none' };
  if (omni) return { pipeline: 'omni-edit', ranMode: 'edit', controlPath: 'none' };
  return req.mask ? { pipeline: 'inpaint', ranMode: 'inpaint', controlPath: 'none' } : { pipeline: 'image-to-image', ranMode: 'image-to-image', controlPath: 'none' };
}

/** Whether a pipeline takes ControlNet hints: all but the omni edit (its control branch is not built). */
export const takesControl = (p: PipelineName): boolean => p !== 'omni-edit';

/**
 * The ControlNet's half: a masked edit through the control model's inpaint mode when asked and supported (it
 * replaces the plain inpaint start: see modes.ts), otherwise the hints of a control image as a per-step addition.
 */
export function withControl(base: Route, control: RouteRequest['control'], caps: ControlCaps | null): Route {
  if (!control || !caps || !takesControl(base.pipeline)) return base;
  if (base.pipeline === 'inpaint' && control.inpaint && caps.inpaint) return { pipeline: 'control-inpaint', ranMode: 'inpaint', controlPath: 'control-inpaint' };
  return control.image ? { ...base, controlPath: 'control' } : base;
}

/** The whole rule: the table above. */
export function routeRequest(req: RouteRequest, caps: Capabilities): Route {
  return withControl(modeRoute(req, caps.omni), req.control, caps.controlNet);
}
