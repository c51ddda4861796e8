// Everything ui/ may use besides the store hook: types and pure helpers, re-exported so ui/ never reaches past the
// store into worker/ or the engine.
export * from './types.ts';
export type { DeviceSlice, DeviceStatus } from './deviceSlice.ts';
export type { EditorSlice, EditorSource, EditorTool, EditResult } from './editorSlice.ts';
export type { GalleryItem, GallerySlice } from './gallerySlice.ts';
export type { GenerateParams, GenerateSlice, JobState, JobStatus } from './generateSlice.ts';
export { MAX_BATCH } from './generateSlice.ts';
export type { ImportFile, ModelSetInfo, ModelsSlice, SetStatus, StorageInfo, TransferProgress } from './modelsSlice.ts';
export { FALLBACK_SET_ID } from './modelsSlice.ts';
// The request contract's limits, as the worker protocol defines them.
export { MAX_SIDE, MAX_STEPS, MAX_STRENGTH, MIN_SIDE, MIN_STEPS, SIZE_STEP } from '../worker/protocol.ts';
export { ASPECTS, BASE_SIZES, presetSize, snapSide, type Aspect, type AspectChoice } from './sizes.ts';
export { formatBytes, formatDuration, formatMs, formatRate } from './format.ts';
export { CONTROL_DEFAULTS, controlAvailable, type ControlKind, type ControlSlice } from './controlSlice.ts';
export { estimateMemory, setFits, type MemoryEstimate, type SetFit } from '../library/setFit.ts';
export type { QueueItem, QueueSlice } from './queueSlice.ts';
export { expandPrompts, MAX_EXPANDED_PROMPTS } from '../lib/promptTemplate.ts';
export { MAX_FEATHER, MAX_GROW, MAX_PADDING, type MaskSettings } from './editorSlice.ts';
export { formatDate, formatList, formatNumber, joinSentences, LOCALE_NAMES, LOCALES, localeTag, t, type Locale, type MessageKey } from '../lib/i18n.ts';
