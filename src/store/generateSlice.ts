// Text-to-image: the settings, live token count, the running job (with batch), progress and cancel.
import { formatList, t } from '../lib/i18n.ts';
import { inspectStudioPng } from '../lib/pngMeta.ts';
import { expandPrompts, MAX_EXPANDED_PROMPTS } from '../lib/promptTemplate.ts';
import { MAX_SIDE, MAX_STEPS, MIN_SIDE, MIN_STEPS, type ImageMetadata, type LoadedModel, type TokenCount } from '../worker/protocol.ts';
import { clampNum, saveSettings } from './settings.ts';
import { ASPECTS, BASE_SIZES, matchPreset, presetSize, snapSide, type AspectChoice } from './sizes.ts';
import { controlForRequest } from './controlSlice.ts';
import { createJobRunner, type JobFields, type JobOutcome } from './jobRunner.ts';
import type { NewQueueItem, QueueItem } from './queueSlice.ts';
import { metaFromA1111Png, metaFromLink, recipeFragment } from './recipes.ts';
import type { SliceContext } from './studio.ts';

export type { JobState, JobStatus } from './jobRunner.ts';

export interface GenerateParams {
  prompt: string;
  negativePrompt: string;
  /** The seed of the next image (random mode overwrites it with a fresh one per image, so it shows the last used). */
  seed: number;
  randomSeed: boolean;
  aspect: AspectChoice;
  baseSize: number; // px
  /** As typed; snapped to the request contract's sizes (sizes.ts snapSide) when committed or generating. */
  width: number;
  height: number;
  steps: number;
  guidanceScale: number;
  batchCount: number;
  /** Live step previews (TAEF1) while generating. */
  previews: boolean;
  /** Each non-empty line of the prompt is a prompt of its own (templates with {a|b} expand either way). */
  promptPerLine: boolean;
}

export interface GenerateSlice extends JobFields {
  params: GenerateParams;
  tokens: TokenCount | null;
  /** A short, non-error message: "Cancelled.", "Settings restored from the image." */
  notice: string | null;
  setPrompt: (prompt: string) => void;
  setParams: (p: Partial<GenerateParams>) => void;
  setAspect: (aspect: AspectChoice) => void;
  setBaseSize: (base: number) => void;
  /** Custom size as typed (switches the aspect to 'custom'); commitSize() snaps it. */
  setSize: (width: number, height: number) => void;
  commitSize: () => void;
  newSeed: () => void;
  /** Counts the current prompt's tokens now (at start-up, after a restart). */
  recountTokens: () => void;
  /** Queues the images the settings describe (prompts × batch seeds) and resolves when the queue is idle. */
  generate: () => Promise<void>;
  /** Cancels the running generation and the rest of its batch. */
  cancel: () => Promise<void>;
  /** Cancels only the running generation (the queue goes on with the next item). */
  cancelRunning: () => Promise<void>;
  /** Runs one queued generation (called by the queue). */
  runQueued: (item: QueueItem) => Promise<JobOutcome>;
  applyMetadata: (meta: ImageMetadata) => void;
  /** Restores settings from a studio PNG's bytes, or what applies of another tool's A1111 parameters; false when it carries none. */
  restoreFromPng: (bytes: Uint8Array) => boolean;
  /** The URL fragment that shares the current settings (the recipe, not the image). */
  recipeFragment: () => string;
  /** Fills the form from a recipe link's fragment; false when the fragment is not a recipe. */
  applyRecipeLink: (hash: string) => boolean;
  onModelLoaded: (model: LoadedModel) => void;
  /** Forgets a job whose worker was stopped (its promise will never settle). */
  abandonJob: () => void;
  dismiss: () => void;
}

export const MAX_BATCH = 16;

export function defaultParams(): GenerateParams {
  return { prompt: '', negativePrompt: '', seed: 42, randomSeed: true, aspect: '1:1', baseSize: 1024, width: 1024, height: 1024, steps: 8, guidanceScale: 4, batchCount: 1, previews: true, promptPerLine: false };
}

/** Persisted params, each field checked, over the defaults. */
function restoredParams(saved: Partial<GenerateParams> | undefined): GenerateParams {
  const d = defaultParams();
  if (!saved) return d;
  const aspect = saved.aspect === 'custom' || ASPECTS.includes(saved.aspect as never) ? (saved.aspect as AspectChoice) : d.aspect;
  return {
    prompt: typeof saved.prompt === 'string' ? saved.prompt : d.prompt,
    negativePrompt: typeof saved.negativePrompt === 'string' ? saved.negativePrompt : d.negativePrompt,
    seed: Math.floor(clampNum(saved.seed, 0, 2 ** 32 - 1, d.seed)),
    randomSeed: typeof saved.randomSeed === 'boolean' ? saved.randomSeed : d.randomSeed,
    aspect,
    baseSize: BASE_SIZES.includes(saved.baseSize as never) ? (saved.baseSize as number) : d.baseSize,
    width: snapSide(clampNum(saved.width, MIN_SIDE, MAX_SIDE, d.width)),
    height: snapSide(clampNum(saved.height, MIN_SIDE, MAX_SIDE, d.height)),
    steps: Math.round(clampNum(saved.steps, MIN_STEPS, MAX_STEPS, d.steps)),
    guidanceScale: clampNum(saved.guidanceScale, 0, 20, d.guidanceScale),
    batchCount: Math.round(clampNum(saved.batchCount, 1, MAX_BATCH, d.batchCount)),
    previews: typeof saved.previews === 'boolean' ? saved.previews : d.previews,
    promptPerLine: typeof saved.promptPerLine === 'boolean' ? saved.promptPerLine : d.promptPerLine,
  };
}

export function createGenerateSlice(ctx: SliceContext): GenerateSlice {
  const { patch, get, deps, rt } = ctx;
  const g = () => get().generate;
  const setParams = (p: Partial<GenerateParams>) => {
    patch('generate', (s) => ({ params: { ...s.params, ...p } }));
    saveSettings(get(), deps.settings);
  };
  let tokenTimer: ReturnType<typeof setTimeout> | null = null;
  let tokenSeq = 0;
  const jobs = createJobRunner(ctx, { key: 'generate', jobPrefix: 'gen', cancelledNotice: () => t('store.cancelled') });
  let modelDefaultSteps = defaultParams().steps; // the step count the person has not changed from
  let batchCounter = 0;

  const countTokens = async (prompt: string) => {
    const seq = ++tokenSeq;
    if (!prompt) {
      patch('generate', { tokens: null });
      return;
    }
    const r = await rt.handle().engine.countTokens(prompt);
    if (seq !== tokenSeq) return; // a newer prompt has been sent
    patch('generate', { tokens: r.ok ? r.value : null });
  };

  return {
    params: restoredParams(deps.settings.load().generate),
    tokens: null,
    status: 'idle',
    job: null,
    error: null,
    notice: null,
    setPrompt: (prompt) => {
      setParams({ prompt });
      if (tokenTimer) clearTimeout(tokenTimer);
      tokenTimer = setTimeout(() => void countTokens(prompt), deps.tokenDebounceMs);
    },
    setParams,
    setAspect: (aspect) => {
      if (aspect === 'custom') setParams({ aspect });
      else setParams({ aspect, ...presetSize(aspect, g().params.baseSize) });
    },
    setBaseSize: (baseSize) => {
      const a = g().params.aspect;
      setParams(a === 'custom' ? { baseSize } : { baseSize, ...presetSize(a, baseSize) });
    },
    setSize: (width, height) => setParams({ aspect: 'custom', width, height }),
    commitSize: () => {
      const { width, height } = g().params;
      const w = snapSide(width);
      const h = snapSide(height);
      if (w !== width || h !== height) setParams({ width: w, height: h });
    },
    newSeed: () => setParams({ seed: deps.randomSeed() }),
    recountTokens: () => void countTokens(g().params.prompt),
    generate: async () => {
      const p0 = g().params;
      if (!p0.prompt.trim()) {
        patch('generate', { error: { code: 'bad-request', message: t('store.writePrompt') }, notice: null });
        return;
      }
      g().commitSize();
      const p = g().params;
      const { prompts, total } = expandPrompts(p.prompt, { perLine: p.promptPerLine });
      if (total > MAX_EXPANDED_PROMPTS || prompts.length === 0) {
        patch('generate', { error: { code: 'bad-request', message: t('store.tooManyPrompts', { total, max: MAX_EXPANDED_PROMPTS }) }, notice: null });
        return;
      }
      // The control image is made now, at the queued size, and travels with every item of the batch.
      const control = await get().control.build(p.width, p.height, false);
      if (!control.ok) return patch('generate', { error: control.error, notice: null });
      patch('generate', { error: null, notice: null });
      const loras = get().loras.uses();
      const batchId = `b${deps.now()}-${++batchCounter}`;
      const count = prompts.length * p.batchCount;
      const items: NewQueueItem[] = [];
      for (const prompt of prompts)
        for (let i = 0; i < p.batchCount; i++) {
          const seed = p.randomSeed ? deps.randomSeed() : (p.seed + i) >>> 0;
          items.push({
            kind: 'generate',
            batchId,
            batchIndex: items.length,
            batchCount: count,
            settings: { prompt, negativePrompt: p.negativePrompt, seed, width: p.width, height: p.height, steps: p.steps, guidanceScale: p.guidanceScale, loras, ...(control.value ? { control: control.value } : {}), ...(p.steps === modelDefaultSteps ? { defaultSteps: true } : {}) },
          });
        }
      if (p.randomSeed) setParams({ seed: items[items.length - 1].settings.seed }); // shows the last seed used
      await get().queue.enqueue(items);
    },
    runQueued: (item) => {
      const st = item.settings;
      return jobs.run({
        batch: { index: item.batchIndex, count: item.batchCount },
        count: () => 1,
        request: (_i, model) => {
          // Queued with the default step count (no choice made): the loaded model's own default applies.
          const steps = st.defaultSteps && model.capabilities.defaultSteps > 0 ? model.capabilities.defaultSteps : st.steps;
          return {
            mode: 'text-to-image',
            prompt: st.prompt,
            width: st.width,
            height: st.height,
            steps,
            seed: st.seed,
            loras: st.loras,
            ...controlForRequest(st.control),
            preview: g().params.previews,
            ...(get().device.lowMemory ? { lowMemory: true } : {}),
            ...(model.capabilities.guidance ? { negativePrompt: st.negativePrompt, guidanceScale: st.guidanceScale } : {}),
          };
        },
        onResult: async (result) => {
          await get().gallery.add(result);
        },
      });
    },
    cancel: () => get().queue.cancelBatchOf('generate'),
    cancelRunning: jobs.cancel,
    applyMetadata: (meta) => {
      const width = snapSide(meta.width);
      const height = snapSide(meta.height);
      const preset = matchPreset(width, height);
      setParams({
        prompt: meta.prompt,
        negativePrompt: meta.negativePrompt,
        seed: meta.seed >>> 0,
        randomSeed: false,
        steps: Math.round(clampNum(meta.steps, MIN_STEPS, MAX_STEPS, 8)),
        width,
        height,
        aspect: preset?.aspect ?? 'custom',
        baseSize: preset?.base ?? g().params.baseSize,
        ...(meta.guidanceScale !== null ? { guidanceScale: meta.guidanceScale } : {}),
      });
      g().setPrompt(meta.prompt);
      get().loras.applyMeta(meta.loras ?? []);
      get().control.applyMeta(meta.control);
    },
    restoreFromPng: (bytes) => {
      const found = inspectStudioPng(bytes);
      if (found.kind === 'none') {
        const other = metaFromA1111Png(bytes, g().params);
        if (!other) return false;
        g().applyMetadata(other.meta);
        const notice = other.ignored.length ? t('store.fromOtherToolIgnored', { fields: formatList(other.ignored) }) : t('store.fromOtherTool');
        patch('generate', { notice, error: null });
        return true;
      }
      if (found.kind === 'damaged') {
        // A studio PNG whose settings were tampered with or damaged: say so, and change nothing.
        patch('generate', { notice: null, error: { code: 'bad-request', message: t('store.pngDamaged', { why: found.why }) } });
        return true;
      }
      const { meta } = found;
      g().applyMetadata(meta);
      patch('generate', { notice: t('store.restored'), error: null });
      return true;
    },
    recipeFragment: () => recipeFragment(g().params, get().loras.uses().map((u) => ({ name: get().loras.list.find((l) => l.id === u.id)?.name ?? u.id, strength: u.strength })), get().models.loaded?.capabilities.guidance ?? false),
    applyRecipeLink: (hash) => {
      const r = metaFromLink(hash);
      if (r.kind === 'none') return false;
      if (r.kind === 'bad') {
        patch('generate', { notice: null, error: { code: 'bad-request', message: t('store.recipeBad', { why: r.why }) } });
        return true;
      }
      g().applyMetadata(r.meta);
      patch('generate', { notice: t('store.recipeApplied'), error: null });
      return true;
    },
    onModelLoaded: (model) => {
      // A new model brings its own step count (Turbo 8, base 28-50), unless the person chose one themselves.
      const d = model.capabilities.defaultSteps;
      if (d > 0 && g().params.steps === modelDefaultSteps) setParams({ steps: d });
      if (d > 0) modelDefaultSteps = d;
      // Token counts need the model's tokenizer: count the current prompt now that there is one.
      void countTokens(g().params.prompt);
    },
    abandonJob: jobs.abandon,
    dismiss: () => patch('generate', { error: null, notice: null }),
  };
}
