// The Control panel's state (Create and Edit): whether a control image steers the image, what it is (Canny edges
// of a picture, a drawn scribble, or a map used as is), its source, thresholds with a live edge preview from the
// worker, strength and the start/end fractions of the steps, and for masked edits whether the ControlNet's inpaint
// mode runs. build() turns it into the request's ControlUse at the request's size. Reuse settings restores kind,
// strength and start/end only: the control image is not kept with a result, so needsImage says to pick it again.
import type { ErrorData } from '../lib/errors.ts';
import { t } from '../lib/i18n.ts';
import { MaskPainter } from '../paint/painter.ts';
import { scribbleRgba } from '../paint/scribble.ts';
import type { ControlKind, ControlUse, ImageMetadata, RgbaImage } from '../worker/protocol.ts';
import { modelSize } from './imaging.ts';
import { clampNum } from './settings.ts';
import type { Studio, SliceContext } from './studio.ts';

export type { ControlKind };

export interface ControlParams {
  /** Canny thresholds on the 0..255 gradient scale (OpenCV-like). */
  low: number;
  high: number;
  /** Conditioning scale 0..2. */
  scale: number;
  /** Fractions of the steps the hints apply to. */
  start: number;
  end: number;
  /** Masked edits: the ControlNet's inpaint mode (true) or the plain inpaint path. */
  inpaint: boolean;
}

export interface ControlSlice extends ControlParams {
  /** A control image steers generation (Create) or the edit (Edit). */
  enabled: boolean;
  kind: ControlKind;
  /** The picked picture (Canny / as-is kinds), already at a size the model takes. */
  source: { image: RgbaImage; name: string } | null;
  /** Canny edges of the source with the current thresholds. */
  preview: RgbaImage | null;
  previewBusy: boolean;
  /** The scribble document (white lines on black); created at the target size on first use. */
  scribble: MaskPainter | null;
  /** Bumps per committed scribble change (stroke, undo, clear), never per pointer move. */
  scribbleRevision: number;
  /** Settings were restored from an image whose control picture is not kept: pick or draw it again. */
  needsImage: boolean;
  error: ErrorData | null;
  setEnabled: (v: boolean) => void;
  setKind: (k: ControlKind) => void;
  setParams: (p: Partial<ControlParams>) => void;
  loadFile: (blob: Blob, name: string) => Promise<void>;
  clearSource: () => void;
  /** The scribble document for a target size (a new one when there is none, or an empty one of another size). */
  ensureScribble: (width: number, height: number) => MaskPainter;
  scribbleCommitted: () => void;
  scribbleUndo: () => void;
  scribbleClear: () => void;
  refreshPreview: () => Promise<void>;
  /** The request's control at width × height; `masked`: a masked edit (the inpaint mode may run without a picture). */
  build: (width: number, height: number, masked: boolean) => Promise<{ ok: true; value: ControlUse | undefined } | { ok: false; error: ErrorData }>;
  applyMeta: (c: ImageMetadata['control']) => void;
  dismiss: () => void;
}

export const CONTROL_DEFAULTS: ControlParams = { low: 100, high: 200, scale: 0.75, start: 0, end: 1, inpaint: true };

/** Whether the set generation will use has a ControlNet: the loaded model says so, else its stored files do. */
export function controlAvailable(s: Studio): boolean {
  const loaded = s.models.loaded;
  if (loaded && loaded.setId === s.models.wantedSetId()) return Boolean(loaded.capabilities.controlNet);
  const set = s.models.sets.find((x) => x.id === s.models.wantedSetId());
  return Boolean(set?.capabilities?.controlNet || set?.files.some((f) => f.role === 'controlnet'));
}

const bad = (message: string) => ({ ok: false as const, error: { code: 'bad-request' as const, message } });
const copy = (img: RgbaImage): RgbaImage => ({ width: img.width, height: img.height, data: img.data.slice(0) });

export function createControlSlice(ctx: SliceContext): ControlSlice {
  const { patch, get, deps, rt } = ctx;
  const c = () => get().control;
  const bump = () => patch('control', (s) => ({ scribbleRevision: s.scribbleRevision + 1, needsImage: false }));
  let previewTimer: ReturnType<typeof setTimeout> | null = null;
  let previewSeq = 0;
  const schedulePreview = () => {
    if (previewTimer) clearTimeout(previewTimer);
    previewTimer = setTimeout(() => void c().refreshPreview(), deps.tokenDebounceMs);
  };
  const fit = async (img: RgbaImage, w: number, h: number) => (img.width === w && img.height === h ? copy(img) : deps.imaging.resize(img, w, h));

  return {
    ...CONTROL_DEFAULTS,
    enabled: false,
    kind: 'canny',
    source: null,
    preview: null,
    previewBusy: false,
    scribble: null,
    scribbleRevision: 0,
    needsImage: false,
    error: null,
    setEnabled: (enabled) => patch('control', { enabled }),
    setKind: (kind) => {
      patch('control', { kind });
      if (kind === 'canny') schedulePreview();
    },
    setParams: (p) => {
      const s = c();
      const low = Math.round(clampNum(p.low ?? s.low, 1, 1000, s.low));
      const high = Math.round(clampNum(p.high ?? s.high, 1, 1000, s.high));
      const start = clampNum(p.start ?? s.start, 0, 0.95, s.start);
      patch('control', {
        low: Math.min(low, high),
        high: Math.max(low, high),
        scale: clampNum(p.scale ?? s.scale, 0, 2, s.scale),
        start,
        end: Math.max(clampNum(p.end ?? s.end, 0.05, 1, s.end), start + 0.05),
        inpaint: p.inpaint ?? s.inpaint,
      });
      if (p.low !== undefined || p.high !== undefined) schedulePreview();
    },
    loadFile: async (blob, name) => {
      try {
        let image = await deps.imaging.decode(blob);
        const size = modelSize(image.width, image.height);
        if (size.width !== image.width || size.height !== image.height) image = await deps.imaging.resize(image, size.width, size.height);
        patch('control', { source: { image, name }, preview: null, error: null, needsImage: false, enabled: true });
        if (c().kind === 'scribble') patch('control', { kind: 'canny' });
        if (c().kind === 'canny') await c().refreshPreview();
      } catch (err) {
        patch('control', { error: { code: 'bad-request', message: t('store.controlOpen', { name, why: (err as Error).message }) } });
      }
    },
    clearSource: () => patch('control', { source: null, preview: null }),
    ensureScribble: (width, height) => {
      const cur = c().scribble;
      if (cur && (cur.width === width && cur.height === height || !cur.isEmpty())) return cur;
      const painter = new MaskPainter(width, height);
      patch('control', (s) => ({ scribble: painter, scribbleRevision: s.scribbleRevision + 1 }));
      return painter;
    },
    scribbleCommitted: bump,
    scribbleUndo: () => {
      if (c().scribble?.undo()) bump();
    },
    scribbleClear: () => {
      if (c().scribble?.clear()) bump();
    },
    refreshPreview: async () => {
      const { source, low, high, kind } = c();
      if (!source || kind !== 'canny') return;
      const seq = ++previewSeq;
      patch('control', { previewBusy: true });
      const r = await rt.handle().engine.cannyEdges(copy(source.image), { low, high });
      if (seq !== previewSeq) return;
      patch('control', r.ok ? { preview: r.value, previewBusy: false, error: null } : { previewBusy: false, error: r.error });
    },
    build: async (width, height, masked) => {
      if (!controlAvailable(get())) return { ok: true, value: undefined }; // the panel is hidden: nothing to send
      const s = c();
      const inpaint = masked && s.inpaint;
      let image: RgbaImage | undefined;
      if (s.enabled) {
        if (s.kind === 'scribble') {
          if (!s.scribble || s.scribble.isEmpty()) return bad(t('store.controlDraw'));
          const m = s.scribble.mask;
          image = await fit({ width: m.width, height: m.height, data: scribbleRgba(m).buffer as ArrayBuffer }, width, height);
        } else {
          if (!s.source) return bad(t('store.controlChoose'));
          const src = await fit(s.source.image, width, height);
          if (s.kind === 'image') image = src;
          else {
            const r = await rt.handle().engine.cannyEdges(src, { low: s.low, high: s.high });
            if (!r.ok) return { ok: false, error: r.error };
            image = r.value;
          }
        }
      }
      if (!image && !inpaint) return { ok: true, value: undefined };
      return { ok: true, value: { kind: s.kind, ...(image ? { image } : {}), scale: s.scale, start: s.start, end: s.end, inpaint } };
    },
    applyMeta: (m) => {
      if (!m) {
        patch('control', { enabled: false, needsImage: false });
        return;
      }
      const s = c();
      const have = m.kind === 'scribble' ? !!s.scribble && !s.scribble.isEmpty() : !!s.source;
      patch('control', { enabled: true, kind: m.kind, needsImage: !have, inpaint: m.path === 'control-inpaint' || s.inpaint });
      c().setParams({ scale: m.scale, start: m.start, end: m.end });
    },
    dismiss: () => patch('control', { error: null }),
  };
}

/** A copy of a control use for one request (its image buffer is transferred to the worker). */
export function controlForRequest(u: ControlUse | undefined): { control?: ControlUse } {
  return u ? { control: { ...u, ...(u.image ? { image: copy(u.image) } : {}) } } : {};
}
