// The studio store: one zustand store made of namespaced slices (device, models, generate, gallery, editor). Every
// outside effect comes in through StudioDeps, so tests build a store around a fake engine and in-memory storage.
import { createStore, type StoreApi } from 'zustand/vanilla';
import { createControlSlice, type ControlSlice } from './controlSlice.ts';
import { createDeviceSlice, type DeviceSlice } from './deviceSlice.ts';
import { createEditorSlice, type EditorSlice } from './editorSlice.ts';
import type { EngineHandle } from './engine.ts';
import { createEnhanceSlice, type EnhanceSlice } from './enhanceSlice.ts';
import { createGallerySlice, type GallerySlice, type GalleryStorage } from './gallerySlice.ts';
import { createGenerateSlice, type GenerateSlice } from './generateSlice.ts';
import type { Imaging } from './imaging.ts';
import { createLocaleSlice, type LocaleSlice } from './localeSlice.ts';
import { createLorasSlice, type LorasSlice } from './lorasSlice.ts';
import { createModelsSlice, type ModelsSlice } from './modelsSlice.ts';
import { createQueueSlice, type QueueSlice, type QueueStorage } from './queueSlice.ts';
import type { SettingsStorage } from './settings.ts';

export interface Studio {
  device: DeviceSlice;
  models: ModelsSlice;
  generate: GenerateSlice;
  gallery: GallerySlice;
  editor: EditorSlice;
  enhance: EnhanceSlice;
  loras: LorasSlice;
  control: ControlSlice;
  queue: QueueSlice;
  locale: LocaleSlice;
}

export interface StudioDeps {
  /** Starts the engine worker and the model manager behind it; called lazily, and again after "Restart engine". */
  startEngine: () => EngineHandle;
  gallery: GalleryStorage;
  /** Pending queue items, kept across reloads. */
  queue: QueueStorage;
  imaging: Imaging;
  settings: SettingsStorage;
  hasWebGpu: () => boolean;
  /** The browser's preferred languages (navigator.languages), for the first visit's interface language. */
  languages?: () => readonly string[];
  randomSeed: () => number;
  now: () => number;
  /** Delay before a prompt change is sent for token counting, ms. */
  tokenDebounceMs: number;
}

/** The live engine, started on first use. */
export interface Runtime {
  handle: () => EngineHandle;
  /** Stops the worker (if any) so the next handle() starts a fresh one. */
  stop: () => void;
  started: () => boolean;
}

export interface SliceContext {
  get: () => Studio;
  patch: <K extends keyof Studio>(key: K, part: Partial<Studio[K]> | ((s: Studio[K]) => Partial<Studio[K]>)) => void;
  deps: StudioDeps;
  rt: Runtime;
}

export type StudioStore = StoreApi<Studio>;

export function createStudioStore(deps: StudioDeps): StudioStore {
  let handle: EngineHandle | null = null;
  const rt: Runtime = {
    handle: () => (handle ??= deps.startEngine()),
    stop: () => {
      handle?.terminate();
      handle = null;
    },
    started: () => handle !== null,
  };
  return createStore<Studio>()((set, get) => {
    const patch: SliceContext['patch'] = (key, part) =>
      set((s) => ({ [key]: { ...s[key], ...(typeof part === 'function' ? part(s[key]) : part) } }) as Partial<Studio>);
    const ctx: SliceContext = { get, patch, deps, rt };
    const locale = createLocaleSlice(ctx); // first: the other slices' messages read the catalog's locale
    return {
      locale,
      device: createDeviceSlice(ctx),
      models: createModelsSlice(ctx),
      generate: createGenerateSlice(ctx),
      gallery: createGallerySlice(ctx),
      editor: createEditorSlice(ctx),
      enhance: createEnhanceSlice(ctx),
      loras: createLorasSlice(ctx),
      control: createControlSlice(ctx),
      queue: createQueueSlice(ctx),
    };
  });
}
