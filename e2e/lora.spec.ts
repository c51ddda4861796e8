import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { readStudioMetadata } from '../src/lib/pngMeta.ts';
import { Rng } from '../src/lib/rng.ts';
import { writeSafetensors } from '../tools/safetensorsWriter.ts';
import { generate, setSettings } from './studio.ts';

/** A rank-4 kohya-style LoRA for the self-test model's shapes (dim 96, FFN 256, adaLN 96), seeded. */
function tinyLora(): Buffer {
  const rng = new Rng(5);
  const pair = (module: string, out: number, inp: number) => [
    { name: `lora_unet_${module}.lora_down.weight`, dtype: 'F32' as const, shape: [4, inp], data: rng.normalArray(4 * inp) },
    { name: `lora_unet_${module}.lora_up.weight`, dtype: 'F32' as const, shape: [out, 4], data: rng.normalArray(out * 4) },
    { name: `lora_unet_${module}.alpha`, dtype: 'F32' as const, shape: [], data: Float32Array.of(4) },
  ];
  const tensors = [...pair('layers_0_attention_to_q', 96, 96), ...pair('layers_1_feed_forward_w1', 256, 96), ...pair('layers_1_attention_to_out_0', 96, 96)];
  return Buffer.from(writeSafetensors(tensors));
}

test('a LoRA imported in Create changes the image for the same seed, and the PNG names it with its strength', async ({ page }) => {
  await page.goto('./');
  await setSettings(page, { size: 256, steps: 1, seed: 99 });
  const without = await generate(page, 'a lighthouse');

  const panel = page.getByRole('region', { name: 'LoRAs' });
  await panel.getByTestId('lora-file').setInputFiles({ name: 'tiny-lora.safetensors', mimeType: 'application/octet-stream', buffer: tinyLora() });
  await expect(panel.getByText(/Added tiny-lora\.safetensors/)).toBeVisible({ timeout: 60_000 });
  // The box is checked once the worker has said the LoRA fits (asynchronous): click, then wait for the state.
  await panel.getByLabel('Enable tiny-lora.safetensors').click();
  await expect(panel.getByLabel('Enable tiny-lora.safetensors')).toBeChecked();
  await panel.getByLabel('Strength of tiny-lora.safetensors').fill('1.5');

  const withLora = await generate(page, 'a lighthouse');
  expect(withLora, 'same seed and settings, LoRA enabled: another image').not.toBe(without);
  await expect(page.getByTestId('result-loras')).toHaveText('tiny-lora.safetensors 1.5');

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /Download/ }).first().click()]);
  const meta = readStudioMetadata(new Uint8Array(readFileSync(await download.path())));
  expect(meta?.loras).toEqual([{ name: 'tiny-lora.safetensors', strength: 1.5 }]);

  // A file that is not a LoRA is refused with one sentence.
  await panel.getByTestId('lora-file').setInputFiles({ name: 'model.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from(writeSafetensors([{ name: 'layers.0.attention.to_q.weight', dtype: 'F32', shape: [2, 2], data: new Float32Array(4) }])) });
  await expect(panel.getByRole('alert')).toHaveText(/model\.safetensors is not a LoRA/);
});
