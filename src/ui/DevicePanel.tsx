import { useEffect } from 'react';
import { useStudio } from '../store/index.ts';
import { formatBytes } from '../store/ui.ts';
import { DeviceFit } from './DeviceFit.tsx';
import './device.css';

const KEY_LIMITS = [
  'maxBufferSize',
  'maxStorageBufferBindingSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBuffersPerShaderStage',
];

const fmtLimit = (k: string, v: number) => (/Size$/.test(k) && v >= 1 << 20 ? `${formatBinary(v)} (${v.toLocaleString()})` : v.toLocaleString());

/** Limits are powers of two: MiB and GiB read better than decimal units here. */
function formatBinary(n: number): string {
  return n >= 2 ** 30 ? `${+(n / 2 ** 30).toFixed(2)} GiB` : `${+(n / 2 ** 20).toFixed(1)} MiB`;
}

/** The Device tab: adapter, features, limits and GPU memory, or a plain account of what is wrong. */
export function DevicePanel() {
  const status = useStudio((s) => s.device.status);
  const info = useStudio((s) => s.device.info);
  const error = useStudio((s) => s.device.error);
  const refresh = useStudio((s) => s.device.refresh);
  const check = useStudio((s) => s.device.check);
  const storage = useStudio((s) => s.models.storage);
  const storageError = useStudio((s) => s.device.storageError);
  const loaded = useStudio((s) => s.models.loaded);

  // Live memory figures while the tab is open (it is mounted only while visible).
  useEffect(() => {
    void refresh();
    const id = setInterval(() => void refresh(), 3000);
    return () => clearInterval(id);
  }, [refresh]);

  return (
    <div className="device-grid">
      <section className="panel" aria-labelledby="device-gpu">
        <div className="panel-title">
          <h2 id="device-gpu">GPU</h2>
          {status === 'ready' && (
            <button type="button" className="btn small" onClick={() => void refresh()}>
              Refresh
            </button>
          )}
        </div>
        {status === 'checking' || status === 'idle' ? (
          <p className="muted">Checking WebGPU…</p>
        ) : status === 'error' && error ? (
          <div className="state">
            <span className="badge bad">{error.code === 'webgpu-unavailable' ? 'No WebGPU' : error.code === 'limits' ? 'Limits too small' : 'Unavailable'}</span>
            <p>{error.message}</p>
            {error.code === 'webgpu-unavailable' && (
              <p className="muted small">
                WebGPU ships in Chrome and Edge 113+ on Windows, macOS and ChromeOS (121+ on Android), Safari 26+, and Firefox 141+ on Windows. Check
                that hardware acceleration is on in the browser settings.
              </p>
            )}
            <button type="button" className="btn" onClick={() => void check()}>
              Check again
            </button>
          </div>
        ) : status === 'lost' && error ? (
          <div className="state">
            <span className="badge bad">Device lost</span>
            <p>{error.message}</p>
            <p className="muted small">Use “Restart engine” in the banner above to create a new device. Nothing you made is lost.</p>
          </div>
        ) : info ? (
          <dl className="kv">
            <dt>Adapter</dt>
            <dd>{info.adapter.description || info.adapter.device || '—'}</dd>
            <dt>Vendor</dt>
            <dd>{info.adapter.vendor || '—'}</dd>
            <dt>Architecture</dt>
            <dd>{info.adapter.architecture || '—'}</dd>
            <dt>Features</dt>
            <dd className="chips">
              <Feature on={info.features.shaderF16} name="shader-f16" />
              <Feature on={info.features.subgroups} name="subgroups" />
              <Feature on={info.features.timestampQuery} name="timestamp-query" />
            </dd>
          </dl>
        ) : null}
      </section>

      <DeviceFit />

      <section className="panel" aria-labelledby="device-memory">
        <h2 id="device-memory">Memory</h2>
        {info && status === 'ready' ? (
          <dl className="kv">
            <dt>GPU memory in use</dt>
            <dd data-testid="memory-in-use">{formatBytes(info.memory.inUseBytes)}</dd>
            <dt>Pooled for reuse</dt>
            <dd>{formatBytes(info.memory.pooledBytes)}</dd>
            <dt>Peak</dt>
            <dd data-testid="memory-peak">{formatBytes(info.memory.peakBytes)}</dd>
            <dt>Loaded model</dt>
            <dd>{loaded ? `${loaded.label} (${formatBytes(loaded.weightBytes)} of weights)` : 'None'}</dd>
          </dl>
        ) : (
          <p className="muted">No GPU figures while the device is unavailable.</p>
        )}
        <h2 className="sub">Browser storage</h2>
        {storage ? (
          <dl className="kv">
            <dt>Used</dt>
            <dd>{formatBytes(storage.usedBytes)}</dd>
            <dt>Free</dt>
            <dd>{formatBytes(Math.max(0, storage.quotaBytes - storage.usedBytes))}</dd>
            <dt>Persistent</dt>
            <dd>{storage.persisted ? 'Yes: the browser will not evict it' : 'Not yet (asked for on the first download)'}</dd>
          </dl>
        ) : (
          <p className="muted">Open the Models tab to read storage figures.</p>
        )}
        {storageError && (
          <p className="state-line">
            <span className="badge warn">Storage full</span> {storageError.message}
          </p>
        )}
      </section>

      {info && status === 'ready' && (
        <section className="panel wide" aria-labelledby="device-limits">
          <h2 id="device-limits">Limits</h2>
          <dl className="kv limits">
            {KEY_LIMITS.filter((k) => k in info.limits).map((k) => (
              <div key={k} className="kv-row key">
                <dt className="mono">{k}</dt>
                <dd>{fmtLimit(k, info.limits[k])}</dd>
              </div>
            ))}
          </dl>
          <details>
            <summary>All limits</summary>
            <dl className="kv limits">
              {Object.entries(info.limits)
                .filter(([k]) => !KEY_LIMITS.includes(k))
                .sort(([a], [b]) => a.localeCompare(b))
                .map(([k, v]) => (
                  <div key={k} className="kv-row">
                    <dt className="mono">{k}</dt>
                    <dd>{fmtLimit(k, v)}</dd>
                  </div>
                ))}
            </dl>
          </details>
        </section>
      )}
    </div>
  );
}

function Feature({ on, name }: { on: boolean; name: string }) {
  return (
    <span className={`badge ${on ? 'ok' : ''}`}>
      {on ? '✓' : '✕'} {name}
      <span className="visually-hidden">{on ? ' available' : ' not available'}</span>
    </span>
  );
}
