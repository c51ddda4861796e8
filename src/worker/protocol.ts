// The worker's API, types only: what the main thread may ask of the engine worker and what comes back.
// Errors cross as ErrorData ({ code, message }); images as transferred ArrayBuffers.
import type { ErrorData } from '../lib/errors.ts';

export interface DeviceInfo {
  adapter: { vendor: string; architecture: string; device: string; description: string };
  features: { subgroups: boolean; timestampQuery: boolean; shaderF16: boolean };
  limits: Record<string, number>;
  memory: { inUseBytes: number; pooledBytes: number; peakBytes: number };
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorData };

export interface EngineApi {
  /** Acquires (or re-creates after a loss) the GPU device and reports it. */
  deviceInfo(): Promise<Result<DeviceInfo>>;
}
