// The main thread's handle on the engine worker. Only the store imports this.
import * as Comlink from 'comlink';
import { debugMessage } from '../engine/debug.ts';
import type { WorkerApi } from './protocol.ts';

export type EngineClient = Comlink.Remote<WorkerApi>;

export function createEngineClient(): { client: EngineClient; terminate: () => void } {
  const worker = new Worker(new URL('./engine.worker.ts', import.meta.url), { type: 'module', name: 'zimage-engine' });
  const debug = debugMessage(); // the page's engine debug flags (engine/debug.ts), before any call
  if (debug) worker.postMessage(debug);
  return { client: Comlink.wrap<WorkerApi>(worker), terminate: () => worker.terminate() };
}
