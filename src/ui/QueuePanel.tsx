import { useStudio } from '../store/index.ts';
import type { QueueItem } from '../store/ui.ts';

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
        <h2 id="queue-title">Queue</h2>
        <span className="muted small" data-testid="queue-count">
          {waiting} waiting
        </span>
        {paused ? (
          <button type="button" className="btn small primary" onClick={() => void q.resume()}>
            Resume
          </button>
        ) : (
          waiting > 0 && (
            <button type="button" className="btn small" onClick={q.pause}>
              Pause
            </button>
          )
        )}
        {waiting > 0 && (
          <button type="button" className="btn small ghost" onClick={() => void q.clear()}>
            Clear waiting
          </button>
        )}
      </div>
      {paused && <p className="muted small">Paused: nothing new starts until you resume.</p>}
      <ol className="queue-list" aria-label="Queued jobs">
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
  const what = item.kind === 'edit' ? 'Edit' : 'Generate';
  return (
    <li className={`queue-item${running ? ' running' : ''}`} aria-current={running ? 'step' : undefined}>
      <span className="queue-pos" aria-label={`Position ${position}`}>
        {position}
      </span>
      <span className="queue-what">
        <strong>{what}</strong> <span className="queue-prompt">{s.prompt}</span>
        <span className="muted small">
          {' '}
          {s.width}×{s.height} · seed {s.seed}
          {running ? ' · running' : ''}
        </span>
      </span>
      {!running && (
        <>
          <button type="button" className="btn ghost small" disabled={first} aria-label={`Move up: ${s.prompt}`} onClick={() => move(item.id, -1)}>
            ↑
          </button>
          <button type="button" className="btn ghost small" disabled={last} aria-label={`Move down: ${s.prompt}`} onClick={() => move(item.id, 1)}>
            ↓
          </button>
        </>
      )}
      <button type="button" className="btn ghost small" aria-label={`Cancel: ${s.prompt}`} onClick={() => void cancelItem(item.id)}>
        ✕
      </button>
    </li>
  );
}
