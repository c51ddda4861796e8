// LoRAs in the Create view: the stored list (import a file, add by URL, delete), and per LoRA whether it is enabled
// and at what strength (-2..2). Enabling asks the worker whether the LoRA fits the loaded model and refuses with its
// reason. Generate and edit requests carry the enabled LoRAs; "Reuse settings" and a dropped PNG restore them by name.
import { t } from '../lib/i18n.ts';
import type { ErrorData } from '../lib/errors.ts';
import type { LoraInfo, LorasApi, LoraUse, Result } from '../worker/protocol.ts';
import type { SliceContext } from './studio.ts';

export const LORA_STRENGTH_MIN = -2;
export const LORA_STRENGTH_MAX = 2;

export interface LoraChoice {
  enabled: boolean;
  strength: number;
}

export interface LorasSlice {
  list: LoraInfo[];
  choice: Record<string, LoraChoice>; // by LoRA id
  busy: boolean;
  error: ErrorData | null;
  notice: string | null;
  refresh: () => Promise<void>;
  importFile: (file: File) => Promise<void>;
  addUrl: (url: string) => Promise<void>;
  remove: (id: string) => Promise<void>;
  setEnabled: (id: string, enabled: boolean) => Promise<void>;
  setStrength: (id: string, strength: number) => void;
  /** The enabled LoRAs with their strengths, in list order: what a request carries. */
  uses: () => LoraUse[];
  /** Enables exactly the named LoRAs at the given strengths (from an image's metadata); names it cannot find are reported. */
  applyMeta: (loras: { name: string; strength: number }[]) => void;
  dismiss: () => void;
}

const clampStrength = (s: number) => Math.min(LORA_STRENGTH_MAX, Math.max(LORA_STRENGTH_MIN, Number.isFinite(s) ? s : 1));

export function createLorasSlice(ctx: SliceContext): LorasSlice {
  const { patch, get, rt } = ctx;
  const l = () => get().loras;
  const api = (): LorasApi | null => rt.handle().loras ?? null;
  const call = async <T>(fn: (a: LorasApi) => Promise<Result<T>>): Promise<T | null> => {
    const a = api();
    if (!a) {
      patch('loras', { error: { code: 'bad-request', message: t('store.noLoras') } });
      return null;
    }
    patch('loras', { busy: true, error: null, notice: null });
    const r = await fn(a);
    patch('loras', { busy: false, ...(r.ok ? {} : { error: r.error }) });
    return r.ok ? r.value : null;
  };
  const added = async (info: LoraInfo | null) => {
    if (!info) return;
    await l().refresh();
    const n = info.unmatched.length;
    const keys = `${info.unmatched.slice(0, 4).join(', ')}${n > 4 ? ', ...' : ''}`;
    patch('loras', { notice: n ? t('store.loraSkipped', { name: info.name, layers: info.modules, count: n, keys }) : t('store.loraAdded', { name: info.name, layers: info.modules }) });
  };
  return {
    list: [],
    choice: {},
    busy: false,
    error: null,
    notice: null,
    refresh: async () => {
      const a = api();
      if (!a) return;
      const r = await a.listLoras();
      if (r.ok) patch('loras', (s) => ({ list: r.value, choice: Object.fromEntries(r.value.map((x) => [x.id, s.choice[x.id] ?? { enabled: false, strength: 1 }])) }));
      else patch('loras', { error: r.error });
    },
    importFile: async (file) => added(await call((a) => a.importLora(file))),
    addUrl: async (url) => added(await call((a) => a.addLoraUrl(url.trim()))),
    remove: async (id) => {
      if ((await call((a) => a.deleteLora(id))) === null && l().error) return;
      await l().refresh();
    },
    setEnabled: async (id, enabled) => {
      if (enabled) {
        const a = api();
        const r = a ? await a.checkLora(id) : null;
        if (r && !r.ok) {
          patch('loras', { error: r.error });
          return;
        }
      }
      patch('loras', (s) => ({ choice: { ...s.choice, [id]: { strength: s.choice[id]?.strength ?? 1, enabled } }, error: null }));
    },
    setStrength: (id, strength) => patch('loras', (s) => ({ choice: { ...s.choice, [id]: { enabled: s.choice[id]?.enabled ?? false, strength: clampStrength(strength) } } })),
    uses: () => l().list.filter((x) => l().choice[x.id]?.enabled).map((x) => ({ id: x.id, strength: l().choice[x.id].strength })),
    applyMeta: (loras) => {
      const choice: Record<string, LoraChoice> = {};
      for (const x of l().list) choice[x.id] = { enabled: false, strength: l().choice[x.id]?.strength ?? 1 };
      const missing: string[] = [];
      for (const m of loras) {
        // A1111 names LoRAs without the file extension (<lora:name:0.8>).
        const x = l().list.find((y) => y.name === m.name || y.name.replace(/\.safetensors$/i, '') === m.name);
        if (x) choice[x.id] = { enabled: true, strength: clampStrength(m.strength) };
        else missing.push(m.name);
      }
      patch('loras', { choice, error: missing.length ? { code: 'bad-request', message: t('store.loraMissing', { names: missing.join(', ') }) } : null });
    },
    dismiss: () => patch('loras', { error: null, notice: null }),
  };
}
