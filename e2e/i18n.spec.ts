// The main flows in both interface languages: the first visit follows the browser's language, the switch is
// remembered, a recipe link and another tool's PNG fill the form, and a template queues and generates images with
// every label in that language.
import { expect, test, type Page } from '@playwright/test';
import { encodePng } from '../src/lib/png.ts';
import { encodeRecipe } from '../src/lib/recipe.ts';
import { GENERATE_TIMEOUT } from './studio.ts';

const L = {
  en: { browser: 'en-US', create: 'Create', form: 'Generation settings', prompt: 'Prompt', generate: /^Generate/, galleryList: 'Gallery images', gallery: 'Gallery', width: 'Width', height: 'Height', steps: 'Steps', seed: 'Seed', preview: 'Queues 2 images', alt: 'Generated image: ', recipe: 'Settings filled in from the recipe link.', other: "another tool's image", params: 'Image parameters', seedTerm: 'Seed' },
  zh: { browser: 'zh-CN', create: '创作', form: '生成设置', prompt: '提示词', generate: /^生成/, galleryList: '图库图像', gallery: '图库', width: '宽度', height: '高度', steps: '步数', seed: '种子', preview: '将排队 2 张图像', alt: '生成的图像：', recipe: '已根据配方链接填入设置。', other: '其他工具生成的图像', params: '图像参数', seedTerm: '种子' },
} as const;
type Lang = keyof typeof L;

async function settings(page: Page, l: (typeof L)[Lang], s: { size: number; steps: number; seed: number }) {
  const form = page.getByRole('form', { name: l.form });
  for (const side of [l.width, l.height]) {
    const input = form.getByLabel(side, { exact: true });
    await input.fill(String(s.size));
    await input.blur();
  }
  await form.getByLabel(l.steps, { exact: true }).fill(String(s.steps));
  await form.getByLabel(l.seed, { exact: true }).fill(String(s.seed));
}

for (const lang of ['en', 'zh'] as const) {
  test.describe(`interface in ${lang}`, () => {
    const l = L[lang];
    const other: Lang = lang === 'en' ? 'zh' : 'en';
    test.use({ locale: l.browser });

    test(`first visit in ${lang}, switch remembered, recipe link and A1111 PNG fill the form, a template queues and generates`, async ({ page }, info) => {
      await page.goto('./');
      await expect(page.getByRole('tab', { name: l.create })).toBeVisible();
      await expect(page.locator('html')).toHaveAttribute('lang', lang === 'zh' ? 'zh-CN' : 'en');

      await page.getByTestId('language-switch').selectOption(other);
      await expect(page.getByRole('tab', { name: L[other].create })).toBeVisible();
      await page.reload();
      await expect(page.getByRole('tab', { name: L[other].create }), 'the choice is remembered').toBeVisible();
      await page.getByTestId('language-switch').selectOption(lang);
      await expect(page.getByRole('tab', { name: l.create })).toBeVisible();

      // A shared recipe link fills the form (and leaves the address).
      const hash = encodeRecipe({ prompt: `recipe ${lang}`, negativePrompt: '', seed: 321, steps: 1, width: 256, height: 256, guidanceScale: null, loras: [] });
      await page.goto(`./${hash}`);
      await expect(page.getByText(l.recipe)).toBeVisible();
      await expect(page.getByLabel(l.prompt, { exact: true })).toHaveValue(`recipe ${lang}`);
      await expect(page.getByLabel(l.seed, { exact: true })).toHaveValue('321');
      expect(new URL(page.url()).hash).toBe('');

      // Another tool's PNG fills what applies and says what it left out.
      const a1111 = 'a fox from another tool\nNegative prompt: blurry\nSteps: 20, Sampler: DPM++ 2M, CFG scale: 7, Seed: 123, Size: 512x512, Model: sdxl';
      const png = await encodePng({ width: 1, height: 1, data: new Uint8Array(4) }, { parameters: a1111 });
      await page.locator('.load-png input[type=file]').setInputFiles({ name: 'other.png', mimeType: 'image/png', buffer: Buffer.from(png) });
      await expect(page.getByRole('status').filter({ hasText: l.other })).toBeVisible();
      await expect(page.getByLabel(l.prompt, { exact: true })).toHaveValue('a fox from another tool');

      // A template queues one image per alternative, with the count shown first.
      await settings(page, l, { size: 256, steps: 1, seed: 5 });
      await page.getByLabel(l.prompt, { exact: true }).fill('a {red|blue} fox');
      await expect(page.getByTestId('expand-preview')).toContainText(l.preview);
      await page.getByRole('button', { name: l.generate }).click();
      await expect(page.getByRole('list', { name: l.galleryList }).getByRole('listitem')).toHaveCount(2, { timeout: GENERATE_TIMEOUT });
      await expect(page.getByRole('img', { name: `${l.alt}a blue fox` })).toBeVisible();
      const params = page.getByLabel(l.params);
      await expect(params.getByText(l.seedTerm, { exact: true })).toBeVisible();
      await expect(page.getByRole('heading', { name: l.gallery, exact: true })).toBeVisible();
      await info.attach(`generated (${lang})`, { body: await page.screenshot(), contentType: 'image/png' });
    });
  });
}
