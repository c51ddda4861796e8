import { expect, test } from '@playwright/test';
import { generate, setSettings, waitForServiceWorker } from './studio.ts';

test.describe.configure({ mode: 'serial' });

test('first visit: generate with the embedded model; seeds are reproducible; the gallery survives a reload', async ({ page }, info) => {
  await page.goto('./');
  await setSettings(page, { size: 256, steps: 2, seed: 1234 });
  const a = await generate(page, 'a red fox in the snow');
  await info.attach('generated', { body: await page.screenshot(), contentType: 'image/png' });
  expect(a).toMatch(/^256x256:/);
  // SwiftShader, like real GPUs, has timestamp-query: the result shows the GPU's own time per step
  await expect(page.getByLabel('Image parameters').getByText('GPU/step')).toBeVisible();
  const again = await generate(page, 'a red fox in the snow');
  expect(again, 'same seed, same settings: bit-identical image').toBe(a);
  await setSettings(page, { seed: 1235 });
  const other = await generate(page, 'a red fox in the snow');
  expect(other, 'another seed: another image').not.toBe(a);

  const gallery = page.getByRole('list', { name: 'Gallery images' });
  await expect(gallery.getByRole('listitem')).toHaveCount(3);
  await page.reload();
  await expect(page.getByRole('list', { name: 'Gallery images' }).getByRole('listitem')).toHaveCount(3);
  await info.attach('after reload', { body: await page.screenshot(), contentType: 'image/png' });
});

test('offline: after a first visit the studio starts and generates with no network', async ({ page, context }, info) => {
  await page.goto('./');
  await waitForServiceWorker(page);
  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Z-Image Studio' })).toBeVisible();
  await setSettings(page, { size: 256, steps: 1, seed: 7 });
  const h = await generate(page, '离线的小猫');
  expect(h).toMatch(/^256x256:/);
  await info.attach('offline', { body: await page.screenshot(), contentType: 'image/png' });
  await context.setOffline(false);
});

test('a cancelled generation leaves the studio ready for the next one', async ({ page }) => {
  await page.goto('./');
  await setSettings(page, { size: 512, steps: 8, seed: 3 });
  await page.getByLabel('Prompt', { exact: true }).fill('to be cancelled');
  await page.getByRole('button', { name: /^Generate/ }).click();
  await page.getByRole('button', { name: 'Cancel' }).first().click({ timeout: 60_000 });
  await expect(page.getByRole('button', { name: /^Generate/ })).toBeEnabled({ timeout: 120_000 });
  await setSettings(page, { size: 256, steps: 1 });
  const h = await generate(page, 'after the cancel');
  expect(h).toMatch(/^256x256:/);
});
