// Flow-match Euler scheduler, as diffusers' FlowMatchEulerDiscreteScheduler computes it for Z-Image
// (zimage-spec §6): sigmas = shift(linspace(1, 1/N, N)) ++ [0], static shift, no dynamic shifting.
// Model input t = 1 - sigma; the scheduler's timestep = 1000 * sigma.

export interface Schedule {
  sigmas: Float64Array; // (N + 1), last = 0
  timesteps: Float64Array; // (N) = 1000 * sigma
}

export const TURBO_SHIFT = 3.0;
/** Z-Image (base) ships shift 6.0 (zimage-spec §1, third-party config copy). */
export const BASE_SHIFT = 6.0;

export function shiftSigma(s: number, shift: number): number {
  return (shift * s) / (1 + (shift - 1) * s);
}

export function flowMatchSchedule(steps: number, shift = TURBO_SHIFT): Schedule {
  if (!Number.isInteger(steps) || steps < 1 || steps > 1000) throw new RangeError(`steps must be an integer in 1..1000, got ${steps}`);
  const sigmas = new Float64Array(steps + 1);
  for (let i = 0; i < steps; i++) {
    // torch.linspace(1.0, 1/N, N): start + i * (end - start) / (N - 1)
    const base = steps === 1 ? 1 : 1 + (i * (1 / steps - 1)) / (steps - 1);
    sigmas[i] = shiftSigma(base, shift);
  }
  sigmas[steps] = 0;
  const timesteps = new Float64Array(steps);
  for (let i = 0; i < steps; i++) timesteps[i] = sigmas[i] * 1000;
  return { sigmas, timesteps };
}

/**
 * Image-to-image / inpaint start (diffusers ZImageImg2ImgPipeline.get_timesteps):
 * init = min(N * s, N) (a float), t_start = int(max(N - init, 0)). Returns t_start, the first step to run;
 * strength 1 starts from pure noise, strength 0 runs no step.
 */
export function strengthStartIndex(steps: number, strength: number): number {
  if (!(strength >= 0 && strength <= 1)) throw new RangeError(`strength must be in [0, 1], got ${strength}`);
  const init = Math.min(steps * strength, steps);
  return Math.trunc(Math.max(steps - init, 0));
}

/** The model's timestep input for step i: t = 1 - sigma_i (the embedder multiplies by t_scale = 1000). */
export function modelTimestep(schedule: Schedule, i: number): number {
  return 1 - schedule.sigmas[i];
}
