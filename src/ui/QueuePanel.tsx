import { useStudio } from '../store/index.ts';
import { t, type QueueItem } from '../store/ui.ts';
import './queue.css';

/** The queue: every waiting generation and edit with its position, settings, reorder and cancel buttons. */
export function QueuePanel() {
  const items = useStudio((s) => s.queue.items);
  const runningId = useStudio((s) => s.queue.runningId);
  const paused = useStudio((s) => s.queue.paused);
  const q = useStudio((s) => s.queue);
  if (items.length === 0) return null;
  const waiting = items.filter((i) => i.id !== runningId).length;
  return (
    <section className="panel queue" aria-labelledby="queue-title">
      <div className="panel-title">
        <h2 id="queue-title">{t('queue.title')}</h2>
        <span className="muted small" data-testid="queue-count">
          {t('queue.waiting', { n: waiting })}
        </span>
        {paused ? (
          <button type="button" className="btn small primary" onClick={() => void q.resume()}>
            {t('queue.resume')}
          </button>
        ) : (
          waiting > 0 && (
            <button type="button" className="btn small" onClick={q.pause}>
              {t('queue.pause')}
            </button>
          )
        )}
        {waiting > 0 && (
          <button type="button" className="btn small ghost" onClick={() => void q.clear()}>
            {t('queue.clear')}
          </button>
        )}
      </div>
      {paused && <p className="muted small">{t('queue.paused')}</p>}
      <ol className="queue-list" aria-label={t('queue.list')}>
        {items.map((item, i) => (
          <QueueRow key={item.id} item={item} position={i + 1} running={item.id === runningId} first={i === (runningId ? 1 : 0)} last={i === items.length - 1} />
        ))}
      </ol>
    </section>
  );
}

function QueueRow({ item, position, running, first, last }: { item: QueueItem; position: number; running: boolean; first: boolean; last: boolean }) {
  const move = useStudio((s) => s.queue.move);
  const cancelItem = useStudio((s) => s.queue.cancelItem);
  const s = item.settings;
  const what = item.kind === 'edit' ? t('queue.edit') : t('queue.generate');
  return (
    <li className={`queue-item${running ? ' running' : ''}`} aria-current={running ? 'step' : undefined}>
      <span className="queue-pos" aria-label={t('queue.position', { n: position })}>
        {position}
      </span>
      <span className="queue-what">
        <strong>{what}</strong> <span className="queue-prompt">{s.prompt}</span>
        <span className="muted small">
          {' '}
          {t('queue.meta', { width: s.width, height: s.height, seed: s.seed })}
          {running ? ` · ${t('queue.running')}` : ''}
        </span>
      </span>
      {!running && (
        <>
          <button type="button" className="btn ghost small" disabled={first} aria-label={t('queue.up', { prompt: s.prompt })} onClick={() => move(item.id, -1)}>
            ↑
          </button>
          <button type="button" className="btn ghost small" disabled={last} aria-label={t('queue.down', { prompt: s.prompt })} onClick={() => move(item.id, 1)}>
            ↓
          </button>
        </>
      )}
      <button type="button" className="btn ghost small" aria-label={t('queue.cancel', { prompt: s.prompt })} onClick={() => void cancelItem(item.id)}>
        ✕
      </button>
    </li>
  );
}
