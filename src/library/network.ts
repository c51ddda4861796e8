// The one door to the network: every request the weights library makes (downloads, source checks, catalogs,
// the embedded self-test files) goes through guardedFetch. It enforces offline-only mode, refuses addresses that
// are not https (loopback http excepted: it never leaves the machine) or that carry credentials, and refuses
// answers that were redirected to such an address or that are web pages instead of files.
import { StudioError } from '../lib/errors.ts';
import type { OfflineFlag } from './offline.ts';

export interface NetworkPolicy {
  /** The offline-only switch; null: always online. */
  offline: OfflineFlag | null;
  /** The app's own origin (its shell and embedded files): always allowed, also offline. Null outside a page. */
  appOrigin: string | null;
}

export const OFFLINE_MESSAGE =
  'Offline mode is on, so the studio sends no network requests. Turn offline mode off to download models or add sources.';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Why a remote address may not be fetched, or null when it may. */
export function remoteUrlProblem(u: URL): string | null {
  if (u.username || u.password) return `${u.host} carries a user name or password in the address; the studio never sends credentials. Remove them from the link.`;
  if (u.protocol === 'https:') return null;
  if (u.protocol === 'http:' && LOOPBACK.has(u.hostname)) return null;
  if (u.protocol === 'http:') return `${u.href} is not a secure (https://) address; the studio downloads only over https, or over http from this machine itself.`;
  return `"${u.protocol}" addresses cannot be fetched; only https:// links can.`;
}

function urlOf(input: Parameters<typeof fetch>[0]): string {
  if (typeof input === 'string') return input;
  if (input instanceof URL) return input.href;
  return input.url;
}

/** Wraps a fetch so that every request obeys the policy above. */
export function guardedFetch(base: typeof fetch, policy: NetworkPolicy): typeof fetch {
  return async (input, init) => {
    const href = urlOf(input);
    let u: URL;
    try {
      u = new URL(href, policy.appOrigin ?? undefined);
    } catch {
      throw new StudioError('bad-request', `"${href}" is not a web address.`);
    }
    const own = policy.appOrigin !== null && u.origin === policy.appOrigin;
    if (!own) {
      if (policy.offline && (await policy.offline.get())) throw new StudioError('network', OFFLINE_MESSAGE);
      const problem = remoteUrlProblem(u);
      if (problem) throw new StudioError('bad-request', problem);
    }
    let res: Response;
    try {
      res = await base(u.href, { ...init, redirect: 'follow', credentials: 'omit' });
    } catch (err) {
      const cause = (err as { cause?: { message?: unknown } }).cause;
      if (typeof cause?.message === 'string' && /redirect/i.test(cause.message))
        throw new StudioError('network', `${u.href} redirects too many times (a redirect loop). Check the address.`);
      throw err;
    }
    if (res.redirected && res.url) {
      const to = new URL(res.url);
      const problem = to.origin === policy.appOrigin ? null : remoteUrlProblem(to);
      if (problem) {
        await res.body?.cancel().catch(() => {});
        throw new StudioError('network', `${u.href} redirected to another address that was refused: ${problem}`);
      }
    }
    if (res.ok && /^\s*text\/html\b/i.test(res.headers.get('content-type') ?? '')) {
      await res.body?.cancel().catch(() => {});
      throw new StudioError(
        'network',
        `${u.href} answered with a web page, not a file. Use the file's direct download link (on Hugging Face the "resolve" link, not "blob").`,
      );
    }
    return res;
  };
}
