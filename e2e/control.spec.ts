import { expect, test, type Locator, type Page } from '@playwright/test';
import { GENERATE_TIMEOUT, generate, setSettings } from './studio.ts';

/** Drags the mouse across a horizontal line through the middle of an element, from 25% to 75% of its width. */
async function drawLine(page: Page, target: Locator, yFrac = 0.5): Promise<void> {
  await target.scrollIntoViewIfNeeded();
  const r = (await target.boundingBox())!;
  expect(r.width).toBeGreaterThan(50);
  const y = r.y + r.height * yFrac;
  await page.mouse.move(r.x + r.width * 0.25, y);
  await page.mouse.down();
  for (let i = 1; i <= 10; i++) await page.mouse.move(r.x + r.width * (0.25 + 0.05 * i), y);
  await page.mouse.up();
}

test('a scribble steers generation: same seed, another image; the result names the ControlNet path', async ({ page }, info) => {
  await page.goto('./');
  await setSettings(page, { size: 256, steps: 2, seed: 77 });
  const plain = await generate(page, 'a lighthouse on a cliff');
  const panel = page.getByRole('region', { name: 'Control' });
  await expect(panel).toBeVisible(); // the self-test set ships a tiny random ControlNet
  await panel.getByLabel('Use a control image').check();
  await panel.getByLabel('Control type').selectOption('scribble');
  const canvas = panel.getByTestId('scribble-canvas');
  await drawLine(page, canvas, 0.4);
  await drawLine(page, canvas, 0.7);
  // The drawing is white lines on black: some pixels lit, most dark.
  const lit = await canvas.evaluate((c: HTMLCanvasElement) => {
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] > 128) n++;
    return { n, total: d.length / 4, w: c.width };
  });
  expect(lit.w).toBe(256);
  expect(lit.n).toBeGreaterThan(100);
  expect(lit.n).toBeLessThan(lit.total / 4);
  await panel.getByRole('button', { name: 'Undo' }).click();
  await drawLine(page, canvas, 0.7);

  const steered = await generate(page, 'a lighthouse on a cliff');
  await info.attach('with scribble', { body: await page.screenshot(), contentType: 'image/png' });
  expect(steered).toMatch(/^256x256:/);
  expect(steered, 'same seed with a control image: another image').not.toBe(plain);
  await expect(page.getByTestId('result-control')).toContainText('ControlNet (control image), scribble');

  // Reuse settings on the plain image turns the control off; on the steered one restores it.
  await panel.getByLabel('Use a control image').uncheck();
  await page.getByRole('list', { name: 'Gallery images' }).getByRole('listitem').first().click();
  await page.getByRole('button', { name: 'Reuse settings' }).click();
  await expect(panel.getByLabel('Use a control image')).toBeChecked();
  await expect(panel.getByLabel('Control type')).toHaveValue('scribble');
});

test('an edit through the ControlNet inpaint mode leaves pixels outside the mask unchanged', async ({ page }, info) => {
  await page.goto('./');
  await setSettings(page, { size: 256, steps: 2, seed: 31 });
  await generate(page, 'a field of flowers');
  await page.getByRole('button', { name: 'Send to editor' }).click();
  await expect(page.getByTestId('mask-canvas')).toBeVisible();
  await drawLine(page, page.locator('[data-testid="mask-canvas"] canvas').first());
  await expect(page.getByTestId('mask-coverage')).toContainText('The mask covers');
  const panel = page.getByRole('region', { name: 'Control' });
  await expect(panel.getByLabel("Use the ControlNet's inpaint mode")).toBeChecked(); // on by default with a ControlNet

  await page.getByLabel('Edit instruction').fill('a red barn');
  await page.getByRole('button', { name: /^Apply edit/ }).click();
  await expect(page.getByRole('img', { name: 'After edit: a red barn' })).toBeVisible({ timeout: GENERATE_TIMEOUT });
  await expect(panel.getByTestId('edit-control-path')).toContainText("ControlNet's inpaint mode");
  await info.attach('control inpaint', { body: await page.screenshot(), contentType: 'image/png' });

  const diff = await page.evaluate(() => {
    const read = (label: string) => {
      const c = document.querySelector(`canvas[aria-label="${label}"]`) as HTMLCanvasElement;
      return { w: c.width, h: c.height, d: c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data };
    };
    const a = read('Before edit');
    const b = read('After edit: a red barn');
    let outsideChanged = 0;
    let insideChanged = 0;
    const changed = (i: number) => a.d[i] !== b.d[i] || a.d[i + 1] !== b.d[i + 1] || a.d[i + 2] !== b.d[i + 2];
    for (let y = 0; y < a.h; y++)
      for (let x = 0; x < a.w; x++) {
        const i = (y * a.w + x) * 4;
        if (Math.abs(y - a.h / 2) > a.h * 0.3 && changed(i)) outsideChanged++;
        if (Math.abs(y - a.h / 2) < 3 && x > a.w * 0.35 && x < a.w * 0.65 && changed(i)) insideChanged++;
      }
    return { same: a.w === b.w && a.h === b.h, outsideChanged, insideChanged };
  });
  expect(diff.same).toBe(true);
  expect(diff.outsideChanged, 'pixels outside the mask must not change').toBe(0);
  expect(diff.insideChanged, 'pixels inside the mask must change').toBeGreaterThan(0);
});
