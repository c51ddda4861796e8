// What the studio remembers between visits besides the gallery: the generation settings, the brush, the active
// model set and the memory mode (small, so localStorage). Reads are defensive: a damaged or old entry just falls back to defaults.
import type { Locale } from '../lib/i18n.ts';
import type { BrushSettings } from '../paint/brush.ts';
import type { GenerateParams } from './generateSlice.ts';

export interface PersistedSettings {
  /** Schema version; load() ignores entries of another version (they fall back to defaults). */
  v?: 1;
  generate?: Partial<GenerateParams>;
  brush?: Partial<BrushSettings>;
  activeSetId?: string | null;
  locale?: Locale;
  /** Low-memory mode (deviceSlice.ts): release the text encoder after encoding each prompt. */
  lowMemory?: boolean;
}

export interface SettingsStorage {
  load(): PersistedSettings;
  save(s: PersistedSettings): void;
}

export function localSettings(key = 'zimage-settings'): SettingsStorage {
  return {
    load: () => {
      try {
        const raw = globalThis.localStorage?.getItem(key);
        const v = raw ? (JSON.parse(raw) as unknown) : null;
        return typeof v === 'object' && v !== null && (v as PersistedSettings).v === 1 ? (v as PersistedSettings) : {};
      } catch {
        return {};
      }
    },
    save: (s) => {
      try {
        globalThis.localStorage?.setItem(key, JSON.stringify(s));
      } catch {
        // private mode or a full quota: settings are a convenience, never worth an error
      }
    },
  };
}

export function memorySettings(initial: PersistedSettings = {}): SettingsStorage & { current: PersistedSettings } {
  const m = {
    current: structuredClone(initial),
    load: () => structuredClone(m.current),
    save: (s: PersistedSettings) => {
      m.current = structuredClone(s);
    },
  };
  return m;
}

/** Keeps a number within [lo, hi], falling back when it is not a finite number. */
export function clampNum(v: unknown, lo: number, hi: number, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? Math.min(hi, Math.max(lo, v)) : fallback;
}

/** Writes the persisted parts of the studio's state. */
export function saveSettings(state: {
  generate: { params: GenerateParams };
  editor: { brush: BrushSettings };
  models: { activeSetId: string | null };
  locale?: { locale: Locale };
  device?: { lowMemory: boolean };
}, storage: SettingsStorage): void {
  storage.save({
    v: 1,
    generate: state.generate.params,
    brush: state.editor.brush,
    activeSetId: state.models.activeSetId,
    ...(state.locale ? { locale: state.locale.locale } : {}),
    ...(state.device ? { lowMemory: state.device.lowMemory } : {}),
  });
}
