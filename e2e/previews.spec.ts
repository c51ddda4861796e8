import { expect, test } from '@playwright/test';
import { GENERATE_TIMEOUT, setSettings } from './studio.ts';

test.describe.configure({ mode: 'serial' });

/** Records every live-preview step the page shows while a generation runs. */
async function watchPreviews(page: import('@playwright/test').Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __previewSteps: number[] };
    w.__previewSteps = [];
    new MutationObserver(() => {
      const el = document.querySelector('[data-testid="live-preview"]');
      const step = Number(el?.getAttribute('data-step'));
      if (el && step && w.__previewSteps[w.__previewSteps.length - 1] !== step) w.__previewSteps.push(step);
    }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-step'] });
  });
}

async function run(page: import('@playwright/test').Page, prompt: string): Promise<number[]> {
  await watchPreviews(page);
  await page.getByLabel('Prompt', { exact: true }).fill(prompt);
  await page.getByRole('button', { name: /^Generate/ }).click();
  await expect(page.getByRole('img', { name: `Generated image: ${prompt}` })).toBeVisible({ timeout: GENERATE_TIMEOUT });
  await expect(page.getByRole('button', { name: /^Generate/ })).toBeEnabled({ timeout: GENERATE_TIMEOUT });
  return page.evaluate(() => (window as unknown as { __previewSteps: number[] }).__previewSteps);
}

test('live previews: the self-test TAEF1 shows the image after steps, and the switch turns them off', async ({ page }, info) => {
  await page.goto('./');
  await setSettings(page, { size: 256, steps: 4, seed: 11 });
  const toggle = page.getByLabel('Live previews while generating');
  await expect(toggle).toBeChecked(); // on by default
  const steps = await run(page, 'a lighthouse at dusk');
  await info.attach('after', { body: await page.screenshot(), contentType: 'image/png' });
  // at least the first step's (a CPU adapter's TAEF1 decode costs several steps, so the budget thins the rest out)
  expect(steps.length, `preview steps seen: ${steps.join(',')}`).toBeGreaterThanOrEqual(1);
  expect(steps.every((s, i) => i === 0 || s > steps[i - 1]) && steps.every((s) => s >= 1 && s <= 4)).toBe(true);
  await expect(page.getByTestId('live-preview')).toHaveCount(0); // the finished image replaces it

  await toggle.uncheck();
  await page.reload(); // the switch is remembered
  await expect(page.getByLabel('Live previews while generating')).not.toBeChecked();
  expect(await run(page, 'a lighthouse at dawn')).toEqual([]);
});
