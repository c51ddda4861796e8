// Device state: what the engine worker reports about the GPU, and the failures that stop it (no WebGPU, limits too
// small, a lost device) or that stop storing work (a full disk). Every slice routes engine errors through report().
import { t } from '../lib/i18n.ts';
import type { ErrorData } from '../lib/errors.ts';
import type { DeviceInfo, Result } from '../worker/protocol.ts';
import { saveSettings } from './settings.ts';
import type { SliceContext } from './studio.ts';

export type DeviceStatus = 'idle' | 'checking' | 'ready' | 'error' | 'lost';

export interface DeviceSlice {
  status: DeviceStatus;
  info: DeviceInfo | null;
  /** Why the GPU cannot be used ('webgpu-unavailable', 'limits', 'device-lost', ...). */
  error: ErrorData | null;
  /** The last 'storage-quota' failure from the gallery or the model manager; cleared when storage works again. */
  storageError: ErrorData | null;
  restarting: boolean;
  /**
   * Low-memory mode (remembered): every generation and edit asks the engine to release the text encoder once the
   * prompt is encoded (GenerateRequest.lowMemory), for a lower peak; the next prompt loads it again. Read when a job
   * starts, so turning it on also helps the jobs already queued (say, after one failed for memory).
   */
  lowMemory: boolean;
  setLowMemory: (on: boolean) => void;
  /** Asks the engine for the device (creating the worker on first use). */
  check: () => Promise<void>;
  /** Re-reads memory figures; quiet on failure or when the engine does not answer (the last good info stays). */
  refresh: () => Promise<void>;
  /** Stops the worker and starts a fresh one: the way out of a lost device or a hung engine. */
  restart: () => Promise<void>;
  /** Routes an engine error: device loss and GPU failures change the device state; quota errors set storageError. */
  report: (e: ErrorData) => void;
  clearStorageError: () => void;
}

export const NO_WEBGPU: ErrorData = {
  code: 'webgpu-unavailable',
  message:
    'WebGPU is not available in this browser. Use a current Chrome or Edge (version 121 or later) on a desktop or laptop with hardware acceleration on, or a Safari or Firefox version that ships WebGPU.',
};

/** How long the engine may take to report a device before the studio offers a restart. */
export const CHECK_TIMEOUT_MS = 30_000;

/** A worker that died or hangs never answers: after `ms`, give up with an error that offers "Restart engine". */
function withTimeout<T>(p: Promise<Result<T>>, ms: number): Promise<Result<T>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<Result<T>>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, error: { code: 'internal', message: t('store.engineTimeout', { s: ms / 1000 }) } }), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

export function createDeviceSlice(ctx: SliceContext): DeviceSlice {
  const { patch, get, deps, rt } = ctx;
  return {
    status: 'idle',
    info: null,
    error: null,
    storageError: null,
    restarting: false,
    lowMemory: deps.settings.load().lowMemory === true,
    setLowMemory: (on) => {
      patch('device', { lowMemory: on });
      saveSettings(get(), deps.settings);
    },
    check: async () => {
      patch('device', { status: 'checking', error: null });
      if (!deps.hasWebGpu()) {
        patch('device', { status: 'error', error: NO_WEBGPU });
        return;
      }
      const r = await withTimeout(rt.handle().engine.deviceInfo(), CHECK_TIMEOUT_MS);
      if (r.ok) {
        patch('device', { status: 'ready', info: r.value, error: null });
        void get().models.syncLoaded();
      } else patch('device', { status: r.error.code === 'device-lost' ? 'lost' : 'error', error: r.error });
    },
    refresh: async () => {
      if (get().device.status !== 'ready') return;
      const r = await withTimeout(rt.handle().engine.deviceInfo(), CHECK_TIMEOUT_MS);
      if (r.ok) patch('device', { info: r.value });
      else if (r.error.code === 'device-lost') get().device.report(r.error);
    },
    restart: async () => {
      patch('device', { restarting: true });
      get().generate.abandonJob();
      get().editor.abandonJob();
      rt.stop();
      get().models.forgetLoaded();
      try {
        await get().device.check();
      } finally {
        patch('device', { restarting: false });
      }
    },
    report: (e) => {
      if (e.code === 'storage-quota') patch('device', { storageError: e });
      else if (e.code === 'device-lost') {
        patch('device', { status: 'lost', error: e });
        get().models.forgetLoaded();
      } else if (e.code === 'webgpu-unavailable' || e.code === 'limits') patch('device', { status: 'error', error: e });
    },
    clearStorageError: () => patch('device', { storageError: null }),
  };
}
