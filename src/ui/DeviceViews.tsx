import { useStudio } from '../store/index.ts';
import { formatBytes } from '../store/ui.ts';

const adapterName = (a: { vendor: string; architecture: string; description: string; device: string }) =>
  [a.description || a.device, a.vendor, a.architecture].filter(Boolean).filter((v, i, all) => all.indexOf(v) === i).join(' · ') || 'WebGPU adapter';

/** The header chip: the adapter when there is one, else what is wrong. */
export function DeviceChip({ onOpen }: { onOpen: () => void }) {
  const status = useStudio((s) => s.device.status);
  const info = useStudio((s) => s.device.info);
  const label = status === 'ready' && info ? adapterName(info.adapter) : status === 'lost' ? 'GPU lost' : status === 'error' ? 'GPU unavailable' : 'Checking GPU…';
  const dot = status === 'ready' ? 'ok' : status === 'error' || status === 'lost' ? 'bad' : 'busy';
  return (
    <button type="button" className="device-chip" onClick={onOpen} title="Device details" aria-label={`GPU: ${label}. Show device details`}>
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
        <section className="message error banner" role="alert" aria-label="Device">
          <div className="body">
            <h2>{status === 'lost' ? 'The GPU device was lost' : error.code === 'limits' ? 'This GPU is too limited' : 'GPU unavailable'}</h2>
            <p data-error-code={error.code}>{error.message}</p>
            {status === 'lost' && <p className="muted small">Your gallery and the current mask are safe. Restarting the engine creates a new device; the model loads again on the next run.</p>}
          </div>
          {(status === 'lost' || error.code === 'internal') && (
            <div className="actions">
              <button type="button" className="btn primary" onClick={() => void restart()} disabled={restarting}>
                {restarting ? 'Restarting…' : 'Restart engine'}
              </button>
            </div>
          )}
        </section>
      )}
      {storageError && (
        <section className="message warn banner" role="status" aria-label="Storage">
          <div className="body">
            <strong className="title">Storage is full</strong>
            <p data-error-code={storageError.code}>{storageError.message}</p>
            {storage && (
              <p className="muted small">
                {formatBytes(storage.usedBytes)} used of {formatBytes(storage.quotaBytes)} available to this site.
              </p>
            )}
          </div>
          <button type="button" className="btn ghost small" onClick={clearStorage} aria-label="Dismiss storage warning">
            ✕
          </button>
        </section>
      )}
    </>
  );
}
