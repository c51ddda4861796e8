import { useEffect } from 'react';
import { useStudio } from '../store/index.ts';
import { formatBytes, formatNumber, t } from '../store/ui.ts';
import { DeviceFit } from './DeviceFit.tsx';
import { LowMemorySwitch } from './LowMemorySwitch.tsx';
import './device.css';

const KEY_LIMITS = [
  'maxBufferSize',
  'maxStorageBufferBindingSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBuffersPerShaderStage',
];

const fmtLimit = (k: string, v: number) => (/Size$/.test(k) && v >= 1 << 20 ? `${formatBinary(v)} (${formatNumber(v)})` : formatNumber(v));

/** Limits are powers of two: MiB and GiB read better than decimal units here. */
function formatBinary(n: number): string {
  return n >= 2 ** 30 ? `${formatNumber(n / 2 ** 30)} GiB` : `${formatNumber(n / 2 ** 20, { maximumFractionDigits: 1 })} MiB`;
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
          <h2 id="device-gpu">{t('device.gpu')}</h2>
          {status === 'ready' && (
            <button type="button" className="btn small" onClick={() => void refresh()}>
              {t('device.refresh')}
            </button>
          )}
        </div>
        {status === 'checking' || status === 'idle' ? (
          <p className="muted">{t('device.checking')}</p>
        ) : status === 'error' && error ? (
          <div className="state">
            <span className="badge bad">{error.code === 'webgpu-unavailable' ? t('device.noWebGpu') : error.code === 'limits' ? t('device.limitsSmall') : t('device.unavailable')}</span>
            <p>{error.message}</p>
            {error.code === 'webgpu-unavailable' && (
              <p className="muted small">{t('device.webgpuHelp')}</p>
            )}
            <button type="button" className="btn" onClick={() => void check()}>
              {t('device.checkAgain')}
            </button>
          </div>
        ) : status === 'lost' && error ? (
          <div className="state">
            <span className="badge bad">{t('device.lost')}</span>
            <p>{error.message}</p>
            <p className="muted small">{t('device.lostHelp')}</p>
          </div>
        ) : info ? (
          <dl className="kv">
            <dt>{t('device.adapter')}</dt>
            <dd>{info.adapter.description || info.adapter.device || '—'}</dd>
            <dt>{t('device.vendor')}</dt>
            <dd>{info.adapter.vendor || '—'}</dd>
            <dt>{t('device.architecture')}</dt>
            <dd>{info.adapter.architecture || '—'}</dd>
            <dt>{t('device.features')}</dt>
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
        <h2 id="device-memory">{t('device.memory')}</h2>
        <LowMemorySwitch />
        {info && status === 'ready' ? (
          <dl className="kv">
            <dt>{t('device.inUse')}</dt>
            <dd data-testid="memory-in-use">{formatBytes(info.memory.inUseBytes)}</dd>
            <dt>{t('device.pooled')}</dt>
            <dd>{formatBytes(info.memory.pooledBytes)}</dd>
            <dt>{t('device.peak')}</dt>
            <dd data-testid="memory-peak">{formatBytes(info.memory.peakBytes)}</dd>
            <dt>{t('device.loadedModel')}</dt>
            <dd>{loaded ? t('device.modelWeights', { name: loaded.label, size: formatBytes(loaded.weightBytes) }) : t('device.none')}</dd>
          </dl>
        ) : (
          <p className="muted">{t('device.noFigures')}</p>
        )}
        <h2 className="sub">{t('device.browserStorage')}</h2>
        {storage ? (
          <dl className="kv">
            <dt>{t('device.used')}</dt>
            <dd>{formatBytes(storage.usedBytes)}</dd>
            <dt>{t('device.free')}</dt>
            <dd>{formatBytes(Math.max(0, storage.quotaBytes - storage.usedBytes))}</dd>
            <dt>{t('device.persistent')}</dt>
            <dd>{storage.persisted ? t('device.persistentYes') : t('device.persistentNo')}</dd>
          </dl>
        ) : (
          <p className="muted">{t('device.openModels')}</p>
        )}
        {storageError && (
          <p className="state-line">
            <span className="badge warn">{t('device.storageFull')}</span> {storageError.message}
          </p>
        )}
      </section>

      {info && status === 'ready' && (
        <section className="panel wide" aria-labelledby="device-limits">
          <h2 id="device-limits">{t('device.limits')}</h2>
          <dl className="kv limits">
            {KEY_LIMITS.filter((k) => k in info.limits).map((k) => (
              <div key={k} className="kv-row key">
                <dt className="mono">{k}</dt>
                <dd>{fmtLimit(k, info.limits[k])}</dd>
              </div>
            ))}
          </dl>
          <details>
            <summary>{t('device.allLimits')}</summary>
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
      <span className="visually-hidden">{on ? t('device.available') : t('device.notAvailable')}</span>
    </span>
  );
}
