// Engine failures as typed studio errors with full, actionable sentences.
import { StudioError } from '../lib/errors.ts';

export function webgpuUnavailable(detail: string): StudioError {
  return new StudioError(
    'webgpu-unavailable',
    `WebGPU is not available in this browser (${detail}). Use Chrome or Edge 121+ on a machine with a supported GPU, or a Safari/Firefox version that ships WebGPU, and make sure hardware acceleration is on.`,
  );
}

export function limitsTooSmall(what: string, have: number, need: number): StudioError {
  return new StudioError(
    'limits',
    `This GPU's ${what} is ${have} bytes, but this model needs at least ${need}. Try a smaller image size, the low-memory mode, or a GPU/browser with higher WebGPU limits.`,
  );
}

export function outOfMemory(what: string, bytes: number): StudioError {
  return new StudioError(
    'out-of-memory',
    `The GPU ran out of memory allocating ${what} (${(bytes / 2 ** 20).toFixed(1)} MiB). Close other GPU-heavy tabs, pick a smaller size, or use the low-memory mode.`,
  );
}

export function deviceLost(reason: string): StudioError {
  return new StudioError(
    'device-lost',
    `The GPU device was lost (${reason}). This happens after a driver reset or when the GPU runs out of memory; restart the engine to continue. Your gallery and settings are kept.`,
  );
}
