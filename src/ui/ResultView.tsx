import { useStudio } from '../store/index.ts';
import { formatDate, formatDuration, formatMs, formatNumber, t, type GalleryItem } from '../store/ui.ts';
import { downloadBlob, pngName } from './files.ts';
import { useObjectUrl } from './hooks.ts';
import { controlPathText } from './ControlPanel.tsx';
import { JobProgress } from './JobProgress.tsx';
import { LivePreview } from './LivePreview.tsx';

/** The current image (the selected gallery item), its parameters and actions, and the running job's progress. */
export function ResultView({ onEdit }: { onEdit: () => void }) {
  const items = useStudio((s) => s.gallery.items);
  const selectedId = useStudio((s) => s.gallery.selectedId);
  const unsaved = useStudio((s) => s.gallery.unsaved);
  const status = useStudio((s) => s.generate.status);
  const job = useStudio((s) => s.generate.job);
  const loadProgress = useStudio((s) => s.models.loadProgress);
  const loaded = useStudio((s) => s.models.loaded);
  const cancel = useStudio((s) => s.generate.cancel);
  const item = items.find((i) => i.id === selectedId) ?? null;

  return (
    <section className="panel result" aria-label={t('result.label')}>
      {status !== 'idle' && (
        <div className="result-progress">
          <JobProgress label={t('result.progress')} status={status} job={job} loadProgress={loadProgress} onCancel={() => void cancel()} />
        </div>
      )}
      {loaded?.selfTest && (
        <p className="selftest-note small">
          <span className="badge warn">{t('result.selftestBadge')}</span> {t('result.selftest')}
        </p>
      )}
      {status !== 'idle' && job?.preview ? (
        <LivePreview frame={job.preview} />
      ) : item ? (
        <CurrentImage item={item} unsaved={!!unsaved[item.id]} onEdit={onEdit} />
      ) : (
        <EmptyStage busy={status !== 'idle'} />
      )}
    </section>
  );
}

function EmptyStage({ busy }: { busy: boolean }) {
  return (
    <div className="stage empty">
      <div className="empty-art" aria-hidden="true" />
      <p>{busy ? t('result.onItsWay') : t('result.empty')}</p>
      <p className="small">{t('result.emptyHint')}</p>
    </div>
  );
}

function CurrentImage({ item, unsaved, onEdit }: { item: GalleryItem; unsaved: boolean; onEdit: () => void }) {
  const url = useObjectUrl(item.png);
  const reuse = useStudio((s) => s.gallery.reuse);
  const remove = useStudio((s) => s.gallery.remove);
  const sendToEditor = useStudio((s) => s.gallery.sendToEditor);
  const retrySave = useStudio((s) => s.gallery.retrySave);
  const m = item.meta;
  return (
    <>
      <div className="stage">
        {url && <img className="current" src={url} alt={t('result.alt', { prompt: m.prompt })} width={m.width} height={m.height} />}
      </div>
      <div className="result-bar">
        <dl className="meta" aria-label={t('result.params')}>
          <div>
            <dt>{t('result.seed')}</dt>
            <dd className="mono">{m.seed}</dd>
          </div>
          <div>
            <dt>{t('result.size')}</dt>
            <dd>
              {m.width}×{m.height}
            </dd>
          </div>
          <div>
            <dt>{t('result.steps')}</dt>
            <dd>{m.steps}</dd>
          </div>
          <div>
            <dt>{t('result.mode')}</dt>
            <dd>{t(`mode.${m.mode}`)}</dd>
          </div>
          {m.loras && m.loras.length > 0 && (
            <div>
              <dt>{t('result.loras')}</dt>
              <dd data-testid="result-loras">{m.loras.map((l) => `${l.name} ${formatNumber(l.strength)}`).join(', ')}</dd>
            </div>
          )}
          {m.control && (
            <div>
              <dt>{t('result.control')}</dt>
              <dd data-testid="result-control">{controlPathText(m.control)}</dd>
            </div>
          )}
          {m.strength !== null && (
            <div>
              <dt>{t('result.strength')}</dt>
              <dd>{formatNumber(m.strength, { minimumFractionDigits: 2, maximumFractionDigits: 2 })}</dd>
            </div>
          )}
          <div>
            <dt>{t('result.time')}</dt>
            <dd>{formatDuration(item.elapsedMs)}</dd>
          </div>
          {item.gpuMsPerStep !== undefined && (
            <div title={t('result.gpuStepHint')}>
              <dt>{t('result.gpuStep')}</dt>
              <dd>{formatMs(item.gpuMsPerStep)}</dd>
            </div>
          )}
          <div>
            <dt>{t('result.created')}</dt>
            <dd>{formatDate(item.createdAt)}</dd>
          </div>
          {m.model && (
            <div>
              <dt>{t('result.model')}</dt>
              <dd>{m.model}</dd>
            </div>
          )}
        </dl>
        <div className="result-actions">
          {unsaved && (
            <button type="button" className="btn small" onClick={() => void retrySave()} title={t('result.retryHint')}>
              <span className="badge warn">{t('result.unsaved')}</span> {t('result.retrySave')}
            </button>
          )}
          <button type="button" className="btn small" onClick={() => reuse(item.id)}>
            {t('result.reuse')}
          </button>
          <button type="button" className="btn small" onClick={() => downloadBlob(item.png, pngName(m.prompt, m.seed))}>
            {t('result.download')}
          </button>
          <button
            type="button"
            className="btn small"
            onClick={() =>
              void sendToEditor(item.id).then((ok) => {
                if (ok) onEdit();
              })
            }
          >
            {t('result.toEditor')}
          </button>
          <button type="button" className="btn small danger" onClick={() => void remove(item.id)}>
            {t('result.delete')}
          </button>
        </div>
      </div>
      <p className="prompt-line" title={m.prompt}>
        {m.prompt}
      </p>
    </>
  );
}
