// The Content Security Policy of the built app, as a <meta> tag a static host needs no configuration for
// (vite.config.ts adds it to the production build only: the dev server's hot reload needs inline scripts).
// Scripts, workers and the service worker come only from the app's origin; no inline script, no eval, no WASM (the
// app has none; onnxruntime-web is used by the bench page only, which is not part of the build).

/**
 * Hugging Face, where the built-in catalog downloads from: huggingface.co redirects file downloads to its Xet, CDN
 * and LFS hosts, all under *.hf.co or *.huggingface.co (huggingface/hub-docs#2628, "Downloading behind a proxy or
 * firewall"). CSP checks every redirect hop, so all of them must be listed.
 */
export const HF_DOWNLOAD_HOSTS: readonly string[] = ['huggingface.co', '*.huggingface.co', '*.hf.co'];

/** Loopback http: a mirror or model server on the person's own machine (nothing leaves the device). */
const LOOPBACK = ['http://127.0.0.1:*', 'http://localhost:*', 'http://[::1]:*'];

export interface CspOptions {
  /**
   * What connect-src allows beyond the origin. 'https' (the default): any https host, because a person can add a
   * source from any host at run time and a <meta> policy cannot grow; the app itself only ever fetches the catalog's
   * and the person's sources (src/library/network.ts). 'catalog': only Hugging Face's download hosts, for a
   * deployment that offers the built-in catalog and nothing else.
   */
  connect?: 'https' | 'catalog';
}

export function contentSecurityPolicy(opts: CspOptions = {}): string {
  const remote = opts.connect === 'catalog' ? HF_DOWNLOAD_HOSTS.map((h) => `https://${h}`) : ['https:'];
  const directives: [string, ...string[]][] = [
    ['default-src', "'none'"],
    ['script-src', "'self'"],
    ['worker-src', "'self'"],
    ['connect-src', "'self'", ...remote, ...LOOPBACK],
    ['img-src', "'self'", 'blob:', 'data:'],
    ['style-src', "'self'"],
    ['font-src', "'self'"],
    ['manifest-src', "'self'"],
    ['object-src', "'none'"],
    ['base-uri', "'self'"],
    ['form-action', "'none'"],
  ];
  return directives.map((d) => d.join(' ')).join('; ');
}

/** The policy as the <meta> tag that goes first in <head>. */
export function cspMetaTag(opts: CspOptions = {}): string {
  return `<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(opts)}" />`;
}
