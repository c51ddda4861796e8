import { useStudio } from '../store/index.ts';
import { formatBytes, t } from '../store/ui.ts';

const adapterName = (a: { vendor: string; architecture: string; description: string; device: string }) =>
  [a.description || a.device, a.vendor, a.architecture].filter(Boolean).filter((v, i, all) => all.indexOf(v) === i).join(' · ') || t('device.adapterFallback');

/** The header chip: the adapter when there is one, else what is wrong. */
export function DeviceChip({ onOpen }: { onOpen: () => void }) {
  const status = useStudio((s) => s.device.status);
  const info = useStudio((s) => s.device.info);
  const label = status === 'ready' && info ? adapterName(info.adapter) : status === 'lost' ? t('device.chipLost') : status === 'error' ? t('device.chipUnavailable') : t('device.chipChecking');
  const dot = status === 'ready' ? 'ok' : status === 'error' || status === 'lost' ? 'bad' : 'busy';
  return (
    <button type="button" className="device-chip" onClick={onOpen} title={t('device.chipTitle')} aria-label={t('device.chipLabel', { label })}>
      <span className={`dot ${dot}`} aria-hidden="true" />
      {status === 'ready' && info ? (
        <span className="name" data-testid="adapter">
          {label}
        </span>
      ) : (
        <span className="name">{label}</span>
      )}
    </button>
  );
}

/** Failures that block everything, on every tab: no WebGPU, limits too small, a lost device; and a full disk. */
export function DeviceBanner() {
  const status = useStudio((s) => s.device.status);
  const error = useStudio((s) => s.device.error);
  const storageError = useStudio((s) => s.device.storageError);
  const restarting = useStudio((s) => s.device.restarting);
  const restart = useStudio((s) => s.device.restart);
  const clearStorage = useStudio((s) => s.device.clearStorageError);
  const storage = useStudio((s) => s.models.storage);
  return (
    <>
      {(status === 'error' || status === 'lost') && error && (
        <section className="message error banner" role="alert" aria-label={t('device.bannerLabel')}>
          <div className="body">
            <h2>{status === 'lost' ? t('device.bannerLost') : error.code === 'limits' ? t('device.bannerLimits') : t('device.bannerUnavailable')}</h2>
            <p data-error-code={error.code}>{error.message}</p>
            {status === 'lost' && <p className="muted small">{t('device.bannerLostHelp')}</p>}
          </div>
          {(status === 'lost' || error.code === 'internal') && (
            <div className="actions">
              <button type="button" className="btn primary" onClick={() => void restart()} disabled={restarting}>
                {restarting ? t('device.restarting') : t('device.restart')}
              </button>
            </div>
          )}
        </section>
      )}
      {storageError && (
        <section className="message warn banner" role="status" aria-label={t('device.storageLabel')}>
          <div className="body">
            <strong className="title">{t('device.storageIsFull')}</strong>
            <p data-error-code={storageError.code}>{storageError.message}</p>
            {storage && (
              <p className="muted small">
                {t('device.storageOf', { used: formatBytes(storage.usedBytes), quota: formatBytes(storage.quotaBytes) })}
              </p>
            )}
          </div>
          <button type="button" className="btn ghost small" onClick={clearStorage} aria-label={t('device.dismissStorage')}>
            ✕
          </button>
        </section>
      )}
    </>
  );
}
