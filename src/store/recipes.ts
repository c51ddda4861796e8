// Recipes in and out of the generate form: a shareable link (the settings in the URL fragment, src/lib/recipe.ts)
// and another tool's A1111 `parameters` text in a dropped PNG (src/lib/a1111.ts). Both become ImageMetadata over the
// current settings, so they fill the form through the same path as a studio PNG (applyMetadata).
import { applicableParameters, A1111_KEYWORD, parseParameters } from '../lib/a1111.ts';
import { readPngText } from '../lib/png.ts';
import type { ImageMetadata } from '../worker/protocol.ts';
import { t, type MessageKey } from '../lib/i18n.ts';
import { decodeRecipe, encodeRecipe, type RecipeParse, type RecipeProblem } from '../lib/recipe.ts';
import type { GenerateParams } from './generateSlice.ts';

/** The link fragment for the form's current settings and LoRAs. */
export function recipeFragment(p: GenerateParams, loras: { name: string; strength: number }[], guidance: boolean): string {
  return encodeRecipe({ prompt: p.prompt, negativePrompt: p.negativePrompt, seed: p.seed, steps: p.steps, width: p.width, height: p.height, guidanceScale: guidance ? p.guidanceScale : null, loras });
}

export type RecipeFromLink = { kind: 'none' } | { kind: 'bad'; why: string } | { kind: 'ok'; meta: ImageMetadata };

const WHY: Record<RecipeProblem, Extract<MessageKey, `recipe.${string}`>> = { 'too-long': 'recipe.tooLong', version: 'recipe.version', damaged: 'recipe.damaged', field: 'recipe.field' };

export function metaFromLink(hash: string): RecipeFromLink {
  const r: RecipeParse = decodeRecipe(hash);
  if (r.kind === 'none') return r;
  if (r.kind === 'bad') return { kind: 'bad', why: t(WHY[r.why]) };
  const { recipe } = r;
  return {
    kind: 'ok',
    meta: { ...recipe, model: '', mode: 'text-to-image', strength: null, guidanceScale: recipe.guidanceScale, loras: recipe.loras },
  };
}

/** Another tool's settings in a PNG: the metadata to apply (over the current form) and the field names left out. */
export function metaFromA1111Png(bytes: Uint8Array, current: GenerateParams): { meta: ImageMetadata; ignored: string[] } | null {
  let text: string | undefined;
  try {
    text = readPngText(bytes)[A1111_KEYWORD];
  } catch {
    return null;
  }
  const parsed = text === undefined ? null : parseParameters(text);
  if (!parsed) return null;
  const a = applicableParameters(parsed);
  return {
    meta: {
      prompt: a.prompt,
      negativePrompt: a.negativePrompt,
      seed: a.seed ?? current.seed,
      steps: a.steps ?? current.steps,
      width: a.width ?? current.width,
      height: a.height ?? current.height,
      model: '',
      mode: 'text-to-image',
      strength: null,
      guidanceScale: a.guidanceScale,
      loras: a.loras,
    },
    ignored: a.ignored,
  };
}
