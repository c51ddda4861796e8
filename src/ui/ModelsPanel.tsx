import { useEffect, useState } from 'react';
import { useStudio, useStudioShallow } from '../store/index.ts';
import { FALLBACK_SET_ID, formatBytes, formatDuration, formatRate, t, type ImportFile, type MessageKey, type ModelSetInfo, type TransferProgress } from '../store/ui.ts';
import { AddControlNet } from './AddControlNet.tsx';
import { ErrorMessage } from './Messages.tsx';
import { SetFitBadge } from './SetFitBadge.tsx';
import './models.css';

const STATUS: Record<ModelSetInfo['status'], { text: Extract<MessageKey, `models.status.${string}`>; cls: string }> = {
  absent: { text: 'models.status.absent', cls: '' },
  partial: { text: 'models.status.partial', cls: 'warn' },
  complete: { text: 'models.status.complete', cls: 'accent' },
  verified: { text: 'models.status.verified', cls: 'ok' },
  error: { text: 'models.status.error', cls: 'bad' },
};

/** The Models tab: storage, the active set, every set with its actions and progress, import and add-source. */
export function ModelsPanel() {
  const sets = useStudio((s) => s.models.sets);
  const listStatus = useStudio((s) => s.models.listStatus);
  const listError = useStudio((s) => s.models.listError);
  const storage = useStudio((s) => s.models.storage);
  const importing = useStudio((s) => s.models.importing);
  const importError = useStudio((s) => s.models.importError);
  // Only the (stable) actions: subscribing to the whole slice would re-render on every progress patch.
  const m = useStudioShallow((s) => ({ refresh: s.models.refresh, importFiles: s.models.importFiles, addSource: s.models.addSource }));
  const [url, setUrl] = useState('');

  // Refresh when the tab opens (it is mounted only while visible).
  const refresh = m.refresh;
  useEffect(() => {
    void refresh();
  }, [refresh]);

  const importFiles = (files: FileList | null) => {
    const list: ImportFile[] = Array.from(files ?? []).map((file) => ({ file, path: file.webkitRelativePath || file.name }));
    if (list.length) void m.importFiles(list);
  };
  const free = storage ? Math.max(0, storage.quotaBytes - storage.usedBytes) : 0;
  const usedPct = storage && storage.quotaBytes > 0 ? Math.min(100, (storage.usedBytes / storage.quotaBytes) * 100) : 0;

  return (
    <div className="models-grid">
      <div className="models-main">
        <ActiveModel />
        <section className="panel" aria-labelledby="sets-title">
          <div className="panel-title">
            <h2 id="sets-title">{t('models.sets')}</h2>
            <button type="button" className="btn small" onClick={() => void m.refresh()} disabled={listStatus === 'loading'}>
              {listStatus === 'loading' ? t('models.refreshing') : t('models.refresh')}
            </button>
          </div>
          {listError && (
            <p className="message warn small" role="status" data-error-code={listError.code}>
              {listError.message}
            </p>
          )}
          {sets.length === 0 && listStatus !== 'loading' && !listError && <p className="muted">{t('models.none')}</p>}
          <ul className="sets">
            {sets.map((set) => (
              <SetCard key={set.id} set={set} />
            ))}
          </ul>
        </section>
      </div>
      <aside className="models-side">
        <section className="panel" aria-labelledby="storage-title">
          <h2 id="storage-title">{t('models.storage')}</h2>
          {storage ? (
            <>
              <div className="bar storage-bar" role="meter" aria-label={t('models.storageUsed')} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(usedPct)} aria-valuetext={t('models.usedFree', { used: formatBytes(storage.usedBytes), free: formatBytes(free) })}>
                <div style={{ width: `${usedPct}%` }} />
              </div>
              <p className="small storage-text">
                {t('models.usedFree', { used: formatBytes(storage.usedBytes), free: formatBytes(free) })}
              </p>
              <p className="muted small">{storage.persisted ? t('models.persisted') : t('models.notPersisted')}</p>
            </>
          ) : (
            <p className="muted small">{t('models.readingStorage')}</p>
          )}
        </section>
        <section className="panel" aria-labelledby="import-title">
          <h2 id="import-title">{t('models.importTitle')}</h2>
          <p className="muted small">{t('models.importHint')}</p>
          <div className="import-row">
            <label className="btn small">
              {t('models.importFiles')}
              <input type="file" multiple accept=".gguf,.safetensors,.json,.txt,.model" className="visually-hidden" onChange={(e) => (importFiles(e.target.files), (e.target.value = ''))} />
            </label>
            <label className="btn small">
              {t('models.importFolder')}
              <input
                type="file"
                multiple
                className="visually-hidden"
                ref={(el) => {
                  if (el) el.setAttribute('webkitdirectory', '');
                }}
                onChange={(e) => (importFiles(e.target.files), (e.target.value = ''))}
              />
            </label>
          </div>
          {importing && <Transfer p={importing} label={t('models.importProgress')} />}
          {importError && <ErrorMessage error={importError} title={t('models.importFailed')} />}
        </section>
        <section className="panel" aria-labelledby="source-title">
          <h2 id="source-title">{t('models.sourceTitle')}</h2>
          <form
            className="source-form"
            onSubmit={(e) => {
              e.preventDefault();
              if (url.trim()) void m.addSource(url.trim()).then((ok) => ok && setUrl(''));
            }}
          >
            <label className="field">
              <span className="field-label">{t('models.sourceUrl')}</span>
              <input type="url" value={url} placeholder="https://mirror.example/zimage/catalog.json" onChange={(e) => setUrl(e.target.value)} />
            </label>
            <button type="submit" className="btn small" disabled={!url.trim()}>
              {t('models.addSource')}
            </button>
          </form>
          <p className="muted small">{t('models.sourceHint')}</p>
        </section>
      </aside>
    </div>
  );
}

function ActiveModel() {
  const loaded = useStudio((s) => s.models.loaded);
  const loadingSetId = useStudio((s) => s.models.loadingSetId);
  const loadProgress = useStudio((s) => s.models.loadProgress);
  const loadError = useStudio((s) => s.models.loadError);
  const wanted = useStudio((s) => s.models.wantedSetId());
  const sets = useStudio((s) => s.models.sets);
  const label = (id: string) => sets.find((s) => s.id === id)?.label ?? (id === FALLBACK_SET_ID ? t('models.selftestName') : id);
  return (
    <section className="panel active-model" aria-labelledby="active-title">
      <h2 id="active-title">{t('models.active')}</h2>
      {loaded ? (
        <p>
          <strong>{loaded.label}</strong> <span className="badge ok">{t('models.loaded')}</span> {loaded.selfTest && <span className="badge warn">{t('models.selftestBadge')}</span>}{' '}
          <span className="muted small">
            {t('models.loadedInfo', { size: formatBytes(loaded.weightBytes), steps: loaded.capabilities.defaultSteps })}
            {loaded.capabilities.guidance ? t('models.guidance') : ''}
            {loaded.capabilities.omni ? t('models.omni') : ''}
          </span>
        </p>
      ) : loadingSetId ? (
        <div>
          <p>{t('models.loading', { name: label(loadingSetId) })}</p>
          {loadProgress && <div className="bar"><div style={{ width: `${Math.round(loadProgress.fraction * 100)}%` }} /></div>}
        </div>
      ) : (
        <p className="muted">
          {t('models.chosen', { name: label(wanted) })}
        </p>
      )}
      {loadError && <p className="message error small" data-error-code={loadError.code}>{loadError.message}</p>}
    </section>
  );
}

function SetCard({ set }: { set: ModelSetInfo }) {
  const transfer = useStudio((s) => s.models.transfers[set.id]);
  const error = useStudio((s) => s.models.setErrors[set.id]);
  const isActive = useStudio((s) => s.models.wantedSetId() === set.id);
  const isLoaded = useStudio((s) => s.models.loaded?.setId === set.id);
  // Only the (stable) actions, so a card re-renders for its own set's progress, not for every set's.
  const m = useStudioShallow((s) => ({ activate: s.models.activate, pause: s.models.pause, download: s.models.download, verify: s.models.verify, remove: s.models.remove }));
  const [confirmDelete, setConfirmDelete] = useState(false);
  const st = STATUS[set.status];
  const ready = set.status === 'verified' || set.status === 'complete' || set.embedded;
  const downloading = transfer?.phase === 'downloading';
  const pct = set.totalBytes > 0 ? Math.round((set.storedBytes / set.totalBytes) * 100) : 0;
  // The catalog may not know every file's size before the server reports it.
  const sizeUnknown = set.files.some((f) => !f.bytes);
  return (
    <li className={`set-card${isActive ? ' active' : ''}`} aria-labelledby={`set-${set.id}`}>
      <div className="set-head">
        <div className="set-title">
          <h3 id={`set-${set.id}`}>{set.label}</h3>
          <span className={`badge ${st.cls}`}>{set.embedded ? t('models.builtIn') : t(st.text)}</span>
          {set.isDefault && <span className="badge accent">{t('models.recommended')}</span>}
          {isActive && <span className="badge ok">{isLoaded ? t('models.activeLoaded') : t('models.activeBadge')}</span>}
          <SetFitBadge setId={set.id} />
        </div>
        <span className="muted small set-size">
          {set.embedded
            ? t('models.ships')
            : set.status === 'partial'
              ? t(sizeUnknown ? 'models.partOfUnknown' : 'models.partOf', { stored: formatBytes(set.storedBytes), total: formatBytes(set.totalBytes), pct })
              : sizeUnknown
                ? t('models.sizeUnknown', { total: formatBytes(set.totalBytes) })
                : formatBytes(set.totalBytes)}
        </span>
      </div>
      {set.description && <p className="muted small">{set.description}</p>}
      {transfer && <Transfer p={transfer} label={t(transfer.phase === 'verifying' ? 'models.verifyProgress' : 'models.downloadProgress', { name: set.label })} />}
      {error && <p className="message error small" data-error-code={error.code}>{error.message}</p>}
      <div className="set-actions">
        {!isActive && ready && (
          <button type="button" className="btn small primary" onClick={() => void m.activate(set.id)} aria-label={t('models.useName', { name: set.label })}>
            {t('models.use')}
          </button>
        )}
        {!set.embedded && (downloading ? (
          <button type="button" className="btn small" onClick={() => void m.pause(set.id)} aria-label={t('models.pauseName', { name: set.label })}>
            {t('models.pause')}
          </button>
        ) : set.status === 'absent' ? (
          <button type="button" className="btn small" onClick={() => void m.download(set.id)} disabled={!!transfer} aria-label={t('models.downloadName', { name: set.label })}>
            {t('models.download')}
          </button>
        ) : set.status === 'partial' ? (
          <button type="button" className="btn small" onClick={() => void m.download(set.id)} disabled={!!transfer} aria-label={t('models.resumeName', { name: set.label })}>
            {t('models.resume')}
          </button>
        ) : null)}
        {!set.embedded && set.storedBytes > 0 && !downloading && (
          <button type="button" className="btn small" onClick={() => void m.verify(set.id)} disabled={!!transfer} aria-label={t('models.verifyName', { name: set.label })}>
            {t('models.verify')}
          </button>
        )}
        {!downloading && <AddControlNet set={set} busy={!!transfer} />}
        {!set.embedded && set.storedBytes > 0 && !transfer && (confirmDelete ? (
          <>
            <button type="button" className="btn small danger" onClick={() => (setConfirmDelete(false), void m.remove(set.id))} aria-label={t('models.confirmDeleteName', { name: set.label })}>
              {t('models.confirmDelete')}
            </button>
            <button type="button" className="btn small ghost" onClick={() => setConfirmDelete(false)}>
              {t('models.keep')}
            </button>
          </>
        ) : (
          <button type="button" className="btn small danger" onClick={() => setConfirmDelete(true)} aria-label={t('models.deleteName', { name: set.label })}>
            {t('models.delete')}
          </button>
        ))}
      </div>
      {set.files.length > 0 && (
        <details className="files">
          <summary>{t('models.files', { n: set.files.length })}</summary>
          <table>
            <tbody>
              {set.files.map((f) => (
                <tr key={f.name}>
                  <td className="mono">{f.name}</td>
                  <td className="muted">{f.role ?? ''}</td>
                  <td className="num">{formatBytes(f.bytes)}</td>
                  <td className="num muted">{f.storedBytes >= f.bytes ? t('models.stored') : f.storedBytes > 0 ? `${Math.round((f.storedBytes / f.bytes) * 100)}%` : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </li>
  );
}

function Transfer({ p, label }: { p: TransferProgress; label: string }) {
  const pct = p.bytesTotal > 0 ? Math.min(100, Math.round((p.bytesDone / p.bytesTotal) * 100)) : 0;
  return (
    <div className="progress transfer">
      <div className="bar" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct}>
        <div style={{ width: `${pct}%` }} />
      </div>
      <div className="progress-meta">
        <strong>{p.phase === 'verifying' ? t('models.verifying') : p.phase === 'importing' ? t('models.importing') : t('models.downloading')}</strong>
        <span>{t('models.bytesOf', { done: formatBytes(p.bytesDone), total: formatBytes(p.bytesTotal), pct })}</span>
        {p.bytesPerSecond > 0 && <span>{formatRate(p.bytesPerSecond)}</span>}
        {p.etaMs !== null && <span>{t('progress.eta', { time: formatDuration(p.etaMs) })}</span>}
        {p.file && <span className="mono">{p.file}</span>}
      </div>
    </div>
  );
}
