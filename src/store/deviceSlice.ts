// Device state for the UI: what the engine worker reports about the GPU, or the error that stops it.
import { create } from 'zustand';
import type { ErrorData } from '../lib/errors.ts';
import { createEngineClient, type EngineClient } from '../worker/client.ts';
import type { DeviceInfo } from '../worker/protocol.ts';

interface DeviceState {
  status: 'idle' | 'checking' | 'ready' | 'error';
  info: DeviceInfo | null;
  error: ErrorData | null;
  check: () => Promise<void>;
}

let engine: { client: EngineClient; terminate: () => void } | null = null;

export function engineClient(): EngineClient {
  if (!engine) engine = createEngineClient();
  return engine.client;
}

export const useDevice = create<DeviceState>((set) => ({
  status: 'idle',
  info: null,
  error: null,
  check: async () => {
    set({ status: 'checking', error: null });
    if (!('gpu' in navigator) || !navigator.gpu) {
      set({
        status: 'error',
        error: { code: 'webgpu-unavailable', message: 'WebGPU is not available in this browser. Use Chrome or Edge 121+ (or a Safari/Firefox version that ships WebGPU) with hardware acceleration on.' },
      });
      return;
    }
    const r = await engineClient().deviceInfo();
    if (r.ok) set({ status: 'ready', info: r.value });
    else set({ status: 'error', error: r.error });
  },
}));
