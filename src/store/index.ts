// The app's store instance and its React hook. Components read with useStudio(selector) and call actions from the
// state (useStudio((s) => s.generate.generate)); nothing in ui/ talks to the worker.
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import { randomSeed } from '../lib/rng.ts';
import { startWorkerEngine } from './engine.ts';
import { idbGalleryStorage } from './galleryStorage.ts';
import { browserImaging } from './imaging.ts';
import { idbQueueStorage } from './queueStorage.ts';
import { localSettings } from './settings.ts';
import { createStudioStore, type Studio, type StudioStore } from './studio.ts';

export const studioStore: StudioStore = createStudioStore({
  startEngine: startWorkerEngine,
  gallery: idbGalleryStorage(),
  queue: idbQueueStorage(),
  imaging: browserImaging,
  settings: localSettings(),
  languages: () => (typeof navigator !== 'undefined' ? (navigator.languages ?? [navigator.language]) : []),
  hasWebGpu: () => typeof navigator !== 'undefined' && 'gpu' in navigator && !!navigator.gpu,
  randomSeed,
  now: () => performance.now(),
  tokenDebounceMs: 300,
});

// Development builds expose the store for debugging in the console (window.__studio.getState()).
if (import.meta.env.DEV) (globalThis as { __studio?: StudioStore }).__studio = studioStore;

export function useStudio<T>(selector: (s: Studio) => T): T {
  return useStore(studioStore, selector);
}

/** For selectors that build an object or array: re-renders only when its members change. */
export function useStudioShallow<T>(selector: (s: Studio) => T): T {
  return useStore(studioStore, useShallow(selector));
}

export type { Studio, StudioStore } from './studio.ts';
