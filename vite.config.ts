import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';
import { cspMetaTag } from './src/lib/csp.ts';

/**
 * The Content Security Policy (src/lib/csp.ts) as the first tag of every built page. Build only: the dev server
 * injects inline scripts for hot reload. ZIMAGE_CSP_CONNECT=catalog locks connect-src to Hugging Face's hosts.
 */
function contentSecurityPolicy(): Plugin {
  const connect = process.env.ZIMAGE_CSP_CONNECT === 'catalog' ? 'catalog' : 'https';
  return {
    name: 'zimage-csp',
    apply: 'build',
    transformIndexHtml: { order: 'post', handler: (html) => html.replace(/<head>/i, `<head>\n    ${cspMetaTag({ connect })}`) },
  };
}

// `base: './'` keeps the build a static folder that works at a domain root or under any sub-path.
// The service worker precaches the app shell (the WGSL is bundled into the JS), the icons and the embedded self-test
// model; real weights live in IndexedDB and never pass through the service worker's cache.
export default defineConfig({
  base: './',
  plugins: [
    react(),
    contentSecurityPolicy(),
    VitePWA({
      registerType: 'prompt',
      injectRegister: null, // registered by src/ui/UpdatePrompt.tsx, which offers the update to the person
      // globPatterns already matches public/ (icons, self-test model): adding them again would precache them twice.
      includeManifestIcons: false,
      manifest: {
        name: 'Z-Image Studio',
        short_name: 'Z-Image',
        // Both languages in the one field every browser shows; description_localized (manifest localization,
        // Chromium) gives the Chinese one alone where supported.
        description: 'Generate and edit images privately on your own GPU with Z-Image-Turbo, in the browser. 在浏览器中使用 Z-Image-Turbo，在你自己的 GPU 上私密地生成和编辑图像。',
        lang: 'en',
        // Not in vite-plugin-pwa's types yet: spread so the key is written as is.
        ...{ description_localized: { 'zh-CN': { value: '在浏览器中使用 Z-Image-Turbo，在你自己的 GPU 上私密地生成和编辑图像。', lang: 'zh-CN' } } },
        theme_color: '#14161c',
        background_color: '#14161c',
        display: 'standalone',
        start_url: '.',
        scope: '.',
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        // Everything the build emits, public/ included.
        globPatterns: ['**/*.{js,css,html,png,svg,json,wasm,safetensors,gguf}'],
        maximumFileSizeToCacheInBytes: 32 * 1024 * 1024,
        navigateFallback: 'index.html',
        cleanupOutdatedCaches: true,
      },
      devOptions: { enabled: false },
    }),
  ],
  worker: { format: 'es' },
  build: { target: 'es2022', sourcemap: true, chunkSizeWarningLimit: 2048 },
  server: { port: 5173 },
});
