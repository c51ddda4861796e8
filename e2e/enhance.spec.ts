import { expect, test } from '@playwright/test';
import { generate, GENERATE_TIMEOUT, setSettings } from './studio.ts';

// The self-test model's random weights write nonsense: what is checked is the streaming, the speed readout, Cancel,
// and that the studio generates afterwards.
test('Enhance streams text into the prompt box with tokens/s, Cancel stops it, and generation then works', async ({ page }, info) => {
  test.setTimeout(2 * GENERATE_TIMEOUT);
  await page.goto('./');
  const box = page.getByLabel('Prompt', { exact: true });
  const bar = page.getByTestId('enhance-create');
  await box.fill('a lighthouse');

  // A full run: the text streams in (the box changes while Cancel is offered), then a notice with the speed.
  await bar.getByRole('button', { name: /Enhance/ }).click();
  await expect(bar.getByTestId('enhance-status')).toContainText('tokens/s', { timeout: GENERATE_TIMEOUT });
  await expect(bar.getByRole('button', { name: 'Cancel enhance' })).toBeVisible();
  await expect(box).not.toHaveValue('a lighthouse');
  await expect(bar.getByText(/^Prompt enhanced: \d+ tokens/)).toBeVisible({ timeout: GENERATE_TIMEOUT });
  const notice = await bar.getByText(/^Prompt enhanced/).innerText();
  info.annotations.push({ type: 'enhance', description: notice });
  console.log(`[e2e] ${notice}`);
  const enhanced = await box.inputValue();
  expect(enhanced.length).toBeGreaterThan(0);
  await bar.getByRole('button', { name: 'Undo enhance' }).click();
  await expect(box).toHaveValue('a lighthouse');

  // Cancel part-way: the button comes back at once (the worker stops before its next token), the text is kept.
  await bar.getByRole('button', { name: /Enhance/ }).click();
  await expect(bar.getByTestId('enhance-status')).toContainText('tokens', { timeout: GENERATE_TIMEOUT });
  await bar.getByRole('button', { name: 'Cancel enhance' }).click();
  await expect(bar.getByText(/Enhancement cancelled/)).toBeVisible({ timeout: 30_000 });
  await expect(bar.getByRole('button', { name: /Enhance/ })).toBeEnabled();
  await expect(box).not.toHaveValue('a lighthouse');
  await info.attach('after cancel', { body: await page.screenshot(), contentType: 'image/png' });

  await setSettings(page, { size: 256, steps: 1, seed: 5 });
  const h = await generate(page, 'after enhancing');
  expect(h).toMatch(/^256x256:/);
});
