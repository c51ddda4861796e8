// What a model set can do, as its catalog record says (library/catalog.json, checked by library/catalog.ts). This
// is the record's one type: the library stores it, the model layer keeps it for a loaded set except where the
// weights prove otherwise (models/zimage/capabilities.ts), and the UI sees the result (worker/protocol.ts
// ModelCapabilities). It lives in lib/ because those three layers may not import one another.

export interface SetCapabilities {
  /** Classifier-free guidance and a negative prompt (the base model). */
  guidance: boolean;
  /** The omni / edit path with reference images. */
  omni: boolean;
  /** Denoising steps a new request starts with (Turbo 8, base 50). */
  defaultSteps: number;
  /** Prompt tokens the text encoder reads; longer prompts are cut. */
  maxTokens: number;
}
