// The editor: a source image, the mask painter (pure, in paint/), the brush, and the edit job with its before/after
// result. The painter is a mutable object outside React state: the canvas paints into it directly and calls
// strokeCommitted() once per stroke, so pointer movement never re-renders React. A failed edit leaves the mask
// exactly as it was.
import { joinSentences, t } from '../lib/i18n.ts';
import { toErrorData } from '../lib/errors.ts';
import { MAX_BRUSH, MIN_BRUSH, type BrushSettings } from '../paint/brush.ts';
import { maskFromAlpha } from '../paint/maskOps.ts';
import { MaskPainter } from '../paint/painter.ts';
import { MAX_SIDE, MIN_SIDE, SIZE_STEP, type GenerateMode, type ImageMetadata, type RgbaImage } from '../worker/protocol.ts';
import { controlForRequest } from './controlSlice.ts';
import { createJobRunner, type JobFields, type JobOutcome } from './jobRunner.ts';
import type { QueueItem } from './queueSlice.ts';
import { prepareEdit } from './editRun.ts';
import { modelSize } from './imaging.ts';
import { clampNum, saveSettings } from './settings.ts';
import type { SliceContext } from './studio.ts';

export type EditorTool = 'brush' | 'eraser' | 'pan';

export interface EditorSource {
  image: RgbaImage;
  name: string;
  galleryId?: string;
  meta?: ImageMetadata;
}

export interface EditResult {
  itemId: string;
  before: RgbaImage;
  after: RgbaImage;
  ranMode: GenerateMode;
  instruction: string;
  /** Which ControlNet path ran ('none': without it). */
  controlPath: 'none' | 'control' | 'control-inpaint';
}

export interface EditorSlice extends JobFields {
  source: EditorSource | null;
  painter: MaskPainter | null;
  /** Bumps when the mask's content or history changes (per stroke, undo, clear...), never per pointer move. */
  revision: number;
  /** Bumps when a different image is opened: the canvases reload and the view refits. */
  documentId: number;
  tool: EditorTool;
  /** Size, hardness and pressure; the tool comes from `tool`. */
  brush: BrushSettings;
  overlayVisible: boolean;
  instruction: string;
  strength: number;
  /** The effective mask: grow (> 0) or shrink (< 0) px, feather px; only the masked area (padded crop) or all. */
  maskAdjust: MaskSettings;
  opening: boolean;
  result: EditResult | null;
  open: (image: RgbaImage, opts: { name: string; galleryId?: string; meta?: ImageMetadata }) => void;
  /** Decodes any image file and opens it, resized to a size the model takes when needed. */
  openBlob: (blob: Blob, opts: { name: string; galleryId?: string; meta?: ImageMetadata }) => Promise<boolean>;
  setTool: (tool: EditorTool) => void;
  setBrush: (b: Partial<Omit<BrushSettings, 'tool'>>) => void;
  /** [ and ]: one step smaller or larger on a roughly logarithmic scale. */
  nudgeSize: (dir: -1 | 1) => void;
  setOverlayVisible: (v: boolean) => void;
  setInstruction: (s: string) => void;
  setStrength: (s: number) => void;
  setMaskAdjust: (m: Partial<MaskSettings>) => void;
  strokeCommitted: () => void;
  undo: () => void;
  redo: () => void;
  clearMask: () => void;
  invertMask: () => void;
  /** Queues the edit with the current image, mask and settings; resolves when the queue is idle. */
  applyEdit: () => Promise<void>;
  /** Runs one queued edit (called by the queue). */
  runQueued: (item: QueueItem) => Promise<JobOutcome>;
  cancelEdit: () => Promise<void>;
  abandonJob: () => void;
  /** Continues editing from the result (the mask stays). */
  keepResult: () => void;
  dismissResult: () => void;
  dismiss: () => void;
}

export interface MaskSettings {
  grow: number; // px, -MAX_GROW..MAX_GROW
  feather: number; // px, 0..MAX_FEATHER
  onlyMasked: boolean;
  padding: number; // px around the mask, 0..MAX_PADDING
}
export const MAX_GROW = 64;
export const MAX_FEATHER = 64;
export const MAX_PADDING = 256;
const DEFAULT_MASK: MaskSettings = { grow: 0, feather: 0, onlyMasked: false, padding: 32 };

const DEFAULT_BRUSH: BrushSettings = { tool: 'brush', size: 48, hardness: 0.7, pressure: true };

export function createEditorSlice(ctx: SliceContext): EditorSlice {
  const { patch, get, deps } = ctx;
  const ed = () => get().editor;
  const saved = deps.settings.load().brush ?? {};
  const bump = () => patch('editor', (s) => ({ revision: s.revision + 1 }));
  const jobs = createJobRunner(ctx, {
    key: 'editor',
    jobPrefix: 'edit',
    cancelledNotice: () => t('store.editCancelled'),
    describeError: (e) => ({ code: e.code, message: t('store.maskKept', { message: e.message }) }),
  });

  return {
    source: null,
    painter: null,
    revision: 0,
    documentId: 0,
    tool: 'brush',
    brush: {
      tool: 'brush',
      size: Math.round(clampNum(saved.size, MIN_BRUSH, MAX_BRUSH, DEFAULT_BRUSH.size)),
      hardness: clampNum(saved.hardness, 0, 1, DEFAULT_BRUSH.hardness),
      pressure: typeof saved.pressure === 'boolean' ? saved.pressure : DEFAULT_BRUSH.pressure,
    },
    overlayVisible: true,
    instruction: '',
    strength: 0.8,
    maskAdjust: DEFAULT_MASK,
    status: 'idle',
    job: null,
    opening: false,
    error: null,
    notice: null,
    result: null,
    open: (image, opts) => {
      const painter = new MaskPainter(image.width, image.height);
      patch('editor', (s) => ({
        source: { image, name: opts.name, ...(opts.galleryId ? { galleryId: opts.galleryId } : {}), ...(opts.meta ? { meta: opts.meta } : {}) },
        painter,
        documentId: s.documentId + 1,
        revision: s.revision + 1,
        result: null,
        error: null,
      }));
    },
    openBlob: async (blob, opts) => {
      patch('editor', { opening: true, error: null, notice: null });
      try {
        let image = await deps.imaging.decode(blob);
        const fit = modelSize(image.width, image.height);
        let notice: string | null = null;
        if (fit.width !== image.width || fit.height !== image.height) {
          notice = t('store.resized', { w0: image.width, h0: image.height, w1: fit.width, h1: fit.height, step: SIZE_STEP, min: MIN_SIDE, max: MAX_SIDE });
          image = await deps.imaging.resize(image, fit.width, fit.height);
        }
        // Transparent pixels mark what to repaint (an image cut out in another editor): they become the mask.
        const alphaMask = maskFromAlpha(new Uint8Array(image.data));
        if (alphaMask) {
          const px = new Uint8Array(image.data.slice(0));
          for (let i = 3; i < px.length; i += 4) px[i] = 255;
          image = { width: image.width, height: image.height, data: px.buffer };
        }
        ed().open(image, opts);
        if (alphaMask) {
          ed().painter?.loadInitial(alphaMask);
          bump();
          notice = joinSentences([notice, t('store.alphaMask')]);
        }
        patch('editor', { notice, opening: false });
        return true;
      } catch (err) {
        patch('editor', { opening: false, error: { code: 'bad-request', message: t('store.cannotOpen', { name: opts.name, why: toErrorData(err).message.replace(/^Unexpected error: /, '') }) } });
        return false;
      }
    },
    setTool: (tool) => patch('editor', (s) => ({ tool, brush: tool === 'pan' ? s.brush : { ...s.brush, tool } })),
    setBrush: (b) => {
      patch('editor', (s) => ({
        brush: {
          ...s.brush,
          ...b,
          size: Math.round(clampNum(b.size ?? s.brush.size, MIN_BRUSH, MAX_BRUSH, s.brush.size)),
          hardness: clampNum(b.hardness ?? s.brush.hardness, 0, 1, s.brush.hardness),
        },
      }));
      saveSettings(get(), deps.settings);
    },
    nudgeSize: (dir) => {
      const s = ed().brush.size;
      const step = Math.max(1, Math.round(s * 0.15));
      ed().setBrush({ size: s + dir * step });
    },
    setOverlayVisible: (overlayVisible) => patch('editor', { overlayVisible }),
    setInstruction: (instruction) => patch('editor', { instruction }),
    setStrength: (strength) => patch('editor', { strength: clampNum(strength, 0, 1, 0.8) }),
    setMaskAdjust: (m) =>
      patch('editor', (s) => {
        const c = s.maskAdjust;
        return {
          maskAdjust: {
            grow: Math.round(clampNum(m.grow ?? c.grow, -MAX_GROW, MAX_GROW, c.grow)),
            feather: Math.round(clampNum(m.feather ?? c.feather, 0, MAX_FEATHER, c.feather)),
            onlyMasked: m.onlyMasked ?? c.onlyMasked,
            padding: Math.round(clampNum(m.padding ?? c.padding, 0, MAX_PADDING, c.padding)),
          },
        };
      }),
    strokeCommitted: bump,
    undo: () => {
      if (ed().painter?.undo()) bump();
    },
    redo: () => {
      if (ed().painter?.redo()) bump();
    },
    clearMask: () => {
      if (ed().painter?.clear()) bump();
    },
    invertMask: () => {
      const p = ed().painter;
      if (!p) return;
      p.invert();
      bump();
    },
    applyEdit: async () => {
      const { source, painter, instruction, strength, status } = ed();
      if (status !== 'idle') return;
      if (!source || !painter) {
        patch('editor', { error: { code: 'bad-request', message: t('store.openFirst') } });
        return;
      }
      if (!instruction.trim()) {
        patch('editor', { error: { code: 'bad-request', message: t('store.describeEdit') } });
        return;
      }
      const gp = get().generate.params;
      const control = await get().control.build(source.image.width, source.image.height, !painter.isEmpty());
      if (!control.ok) return patch('editor', { error: control.error, notice: null });
      if (control.value?.image && ed().maskAdjust.onlyMasked) {
        patch('editor', { error: { code: 'bad-request', message: t('store.controlWithCrop') }, notice: null });
        return;
      }
      await get().queue.enqueue([
        {
          kind: 'edit',
          batchId: `e${deps.now()}`,
          batchIndex: 0,
          batchCount: 1,
          settings: {
            prompt: instruction,
            negativePrompt: '',
            seed: gp.randomSeed ? deps.randomSeed() : gp.seed,
            width: source.image.width,
            height: source.image.height,
            steps: gp.steps,
            guidanceScale: gp.guidanceScale,
            loras: get().loras.uses(),
            ...(control.value ? { control: control.value } : {}),
          },
          edit: {
            instruction,
            strength,
            // Copies: the queue keeps its own (and stores them for a reload).
            image: { width: source.image.width, height: source.image.height, data: source.image.data.slice(0) },
            ...(painter.isEmpty() ? {} : { mask: painter.exportMask() }),
            ...ed().maskAdjust,
            sourceName: source.name,
            ...(source.galleryId ? { sourceGalleryId: source.galleryId } : {}),
          },
        },
      ]);
    },
    runQueued: async (item) => {
      if (item.kind !== 'edit') return 'failed';
      const { edit, settings: st } = item;
      const before = edit.image;
      const prep = await prepareEdit(edit, deps.imaging);
      const copy = <T extends { data: ArrayBuffer }>(x: T): T => ({ ...x, data: x.data.slice(0) });
      return jobs.run({
        count: () => 1,
        request: () => ({
          // Copies: the request's buffers are transferred to the worker, the queue item keeps its own.
          mode: 'edit',
          prompt: edit.instruction,
          width: prep.image.width,
          height: prep.image.height,
          steps: st.steps,
          seed: st.seed,
          strength: edit.strength,
          loras: st.loras,
          ...controlForRequest(st.control),
          image: copy(prep.image),
          ...(prep.mask ? { mask: copy(prep.mask) } : {}),
          ...(get().device.lowMemory ? { lowMemory: true } : {}),
        }),
        onResult: async (res0) => {
          const after = await prep.finish(res0.image);
          // A cropped edit: the gallery keeps the full image, its PNG written from the full size.
          const res = prep.crop ? { ...res0, image: after, png: new ArrayBuffer(0), meta: { ...res0.meta, width: before.width, height: before.height } } : res0;
          const added = await get().gallery.add(res, edit.sourceGalleryId ? { sourceId: edit.sourceGalleryId } : {});
          patch('editor', {
            result: { itemId: added.id, before, after, ranMode: res.meta.mode, instruction: edit.instruction, controlPath: res.meta.control?.path ?? 'none' },
            notice: res.meta.mode === 'inpaint' ? t('store.ranAsInpaint') : null,
          });
        },
      });
    },
    cancelEdit: jobs.cancel,
    abandonJob: jobs.abandon,
    keepResult: () => {
      const r = ed().result;
      if (!r) return;
      const item = get().gallery.items.find((i) => i.id === r.itemId);
      patch('editor', (s) => ({
        source: { image: r.after, name: r.instruction, galleryId: r.itemId, ...(item ? { meta: item.meta } : {}) },
        result: null,
        documentId: s.documentId + 1,
      }));
    },
    dismissResult: () => patch('editor', { result: null }),
    dismiss: () => patch('editor', { error: null, notice: null }),
  };
}
