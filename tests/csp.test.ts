// The built app's Content Security Policy: the promises the README makes about it, checked on the text itself.
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, cspMetaTag } from '../src/lib/csp.ts';

const directives = (csp: string) => new Map(csp.split(';').map((d) => { const [k, ...v] = d.trim().split(/\s+/); return [k, v] as const; }));

describe('content security policy', () => {
  it('allows scripts, workers and nothing inline or evaluated, only from the origin', () => {
    const d = directives(contentSecurityPolicy());
    expect(d.get('default-src')).toEqual(["'none'"]);
    expect(d.get('script-src')).toEqual(["'self'"]);
    expect(d.get('worker-src')).toEqual(["'self'"]);
    expect(d.get('object-src')).toEqual(["'none'"]);
    expect(d.get('base-uri')).toEqual(["'self'"]);
    expect(contentSecurityPolicy()).not.toMatch(/unsafe-inline|unsafe-eval|wasm-unsafe-eval|data:.*script|blob:.*worker/);
    for (const [, v] of d) expect(v).not.toContain('*'); // no directive allows every host
  });

  it('connects to the origin, https sources and loopback by default; only Hugging Face when locked down', () => {
    expect(directives(contentSecurityPolicy()).get('connect-src')).toEqual(["'self'", 'https:', 'http://127.0.0.1:*', 'http://localhost:*', 'http://[::1]:*']);
    const locked = directives(contentSecurityPolicy({ connect: 'catalog' })).get('connect-src');
    expect(locked).toContain('https://huggingface.co');
    expect(locked).toContain('https://*.hf.co');
    expect(locked).not.toContain('https:');
  });

  it('is a meta tag whose attribute value needs no escaping', () => {
    expect(cspMetaTag()).toMatch(/^<meta http-equiv="Content-Security-Policy" content="[^"<>&]+" \/>$/);
  });
});
