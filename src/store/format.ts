// Human-readable sizes and durations for the panels.

import { formatBytes } from '../lib/bytes.ts';

export { formatBytes };

/** A duration in ms as 0:07, 1:05, 1:02:03. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** A short span of GPU time: "850 µs", "42.5 ms", "1.23 s"; longer ones as formatDuration. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1) return `${Math.round(ms * 1000)} µs`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  return formatDuration(ms);
}

/** Bytes per second as a rate. */
export const formatRate = (bps: number) => `${formatBytes(bps)}/s`;
