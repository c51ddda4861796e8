// Engine debug switches, off by default, in the manner of onnxruntime-web's `env.debug` / `env.webgpu.profiling`:
//   shaders  log each composed WGSL source once, with its key, when its module is compiled (pipelines.ts)
//   timing   time every dispatch on the GPU (one compute pass each, timestamp queries) and log each batch's
//            dispatches with their kernel keys and ms (batch.ts); needs `timestamp-query`, else says so once
// Set on the page with `localStorage['zimage.debug'] = 'shaders,timing'` (or a `?debug=shaders,timing` query) and
// reload. The engine worker has neither, so the page's setting is posted to it when the worker starts
// (worker/client.ts -> `debugMessage()`), and a worker takes it from that message. When off, each dispatch costs
// one boolean test.

export interface DebugFlags {
  shaders: boolean;
  timing: boolean;
}

export const debug: DebugFlags = { shaders: false, timing: false };

const KEY = 'zimage.debug'; // localStorage key, query parameter `debug`, and message type
export const DEBUG_MESSAGE = KEY;

/** Sets the flags from a comma-separated list ('shaders,timing'); unknown words are ignored, '' turns all off. */
export function setDebug(spec: string | null | undefined): DebugFlags {
  const words = new Set((spec ?? '').split(/[\s,]+/).filter(Boolean));
  const all = words.has('all') || words.has('verbose');
  debug.shaders = all || words.has('shaders');
  debug.timing = all || words.has('timing');
  return debug;
}

/** The page's setting: `?debug=` in its URL, else localStorage['zimage.debug'] (null where neither exists). */
export function pageDebugSetting(): string | null {
  try {
    const query = globalThis.location ? new URLSearchParams(globalThis.location.search).get('debug') : null;
    return query ?? globalThis.localStorage?.getItem(KEY) ?? null;
  } catch {
    return null; // storage denied (privacy modes): no debugging, never an error
  }
}

/** The message that carries the page's setting to a worker, or null when debugging is off. */
export function debugMessage(): { type: string; flags: string } | null {
  const flags = pageDebugSetting();
  return flags ? { type: DEBUG_MESSAGE, flags } : null;
}

/** Prints under one prefix so the console can be filtered. */
export function debugLog(...args: unknown[]): void {
  console.log('[zimage.debug]', ...args);
}

setDebug(pageDebugSetting());

// In a worker: the page's setting arrives as the first message (comlink ignores messages of other types).
interface MessageScope {
  addEventListener(type: 'message', fn: (e: { data: unknown }) => void): void;
}
const scope = globalThis as unknown as Partial<MessageScope> & { WorkerGlobalScope?: unknown; document?: unknown };
if (scope.WorkerGlobalScope !== undefined && scope.document === undefined && scope.addEventListener) {
  scope.addEventListener('message', (e) => {
    const m = e.data as { type?: unknown; flags?: unknown } | null;
    if (m && m.type === DEBUG_MESSAGE && typeof m.flags === 'string') setDebug(m.flags);
  });
}
