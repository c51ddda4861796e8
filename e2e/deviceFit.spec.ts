import { expect, test } from '@playwright/test';

test('the Device tab says, before any download, which sets this device can run and up to what size', async ({ page }, info) => {
  await page.goto('./');
  await page.getByRole('tab', { name: 'Device' }).click();
  const section = page.getByRole('region', { name: 'Will it run here?' });
  await expect(section).toBeVisible({ timeout: 60_000 });
  await expect(section.getByTestId('device-memory-estimate')).toContainText('estimate');
  for (const id of ['zimage-turbo-q4', 'zimage-turbo-diffusers', 'zimage-base']) await expect(section.getByTestId(`fit-${id}`)).toContainText(/Fast mode .*; low-memory mode /);
  const text = await section.innerText();
  console.log(`[device-fit]\n${text}`);
  await info.attach('device-fit', { body: text, contentType: 'text/plain' });
});

test('low-memory mode is a switch on the Device tab, off at first and remembered across a reload', async ({ page }) => {
  await page.goto('./');
  await page.getByRole('tab', { name: 'Device' }).click();
  const sw = () => page.getByRole('checkbox', { name: 'Low-memory mode' });
  await expect(sw()).not.toBeChecked();
  await expect(page.getByTestId('low-memory')).toContainText('Release the text encoder after reading the prompt');
  await sw().check();
  await page.reload();
  await page.getByRole('tab', { name: 'Device' }).click();
  await expect(sw()).toBeChecked();
});
