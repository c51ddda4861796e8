import { useStudio } from '../store/index.ts';
import { formatDuration, formatMs, type GalleryItem } from '../store/ui.ts';
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
    <section className="panel result" aria-label="Result">
      {status !== 'idle' && (
        <div className="result-progress">
          <JobProgress label="Generation progress" status={status} job={job} loadProgress={loadProgress} onCancel={() => void cancel()} />
        </div>
      )}
      {loaded?.selfTest && (
        <p className="selftest-note small">
          <span className="badge warn">Self-test model</span> The embedded model has random weights: it proves the pipeline runs on your GPU, and its images are noise. Download a real model set in
          Models.
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
      <p>{busy ? 'Your image is on its way…' : 'Describe an image and press Generate.'}</p>
      <p className="small">Everything runs on your GPU; nothing leaves this device. Drop a Z-Image Studio PNG here to restore its settings.</p>
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
        {url && <img className="current" src={url} alt={`Generated image: ${m.prompt}`} width={m.width} height={m.height} />}
      </div>
      <div className="result-bar">
        <dl className="meta" aria-label="Image parameters">
          <div>
            <dt>Seed</dt>
            <dd className="mono">{m.seed}</dd>
          </div>
          <div>
            <dt>Size</dt>
            <dd>
              {m.width}×{m.height}
            </dd>
          </div>
          <div>
            <dt>Steps</dt>
            <dd>{m.steps}</dd>
          </div>
          <div>
            <dt>Mode</dt>
            <dd>{m.mode}</dd>
          </div>
          {m.loras && m.loras.length > 0 && (
            <div>
              <dt>LoRAs</dt>
              <dd data-testid="result-loras">{m.loras.map((l) => `${l.name} ${l.strength}`).join(', ')}</dd>
            </div>
          )}
          {m.control && (
            <div>
              <dt>Control</dt>
              <dd data-testid="result-control">{controlPathText(m.control)}</dd>
            </div>
          )}
          {m.strength !== null && (
            <div>
              <dt>Strength</dt>
              <dd>{m.strength.toFixed(2)}</dd>
            </div>
          )}
          <div>
            <dt>Time</dt>
            <dd>{formatDuration(item.elapsedMs)}</dd>
          </div>
          {item.gpuMsPerStep !== undefined && (
            <div title="Mean GPU time per denoising step, from timestamp queries">
              <dt>GPU/step</dt>
              <dd>{formatMs(item.gpuMsPerStep)}</dd>
            </div>
          )}
          {m.model && (
            <div>
              <dt>Model</dt>
              <dd>{m.model}</dd>
            </div>
          )}
        </dl>
        <div className="result-actions">
          {unsaved && (
            <button type="button" className="btn small" onClick={() => void retrySave()} title="Storing this image failed">
              <span className="badge warn">Unsaved</span> Retry saving
            </button>
          )}
          <button type="button" className="btn small" onClick={() => reuse(item.id)}>
            Reuse settings
          </button>
          <button type="button" className="btn small" onClick={() => downloadBlob(item.png, pngName(m.prompt, m.seed))}>
            Download PNG
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
            Send to editor
          </button>
          <button type="button" className="btn small danger" onClick={() => void remove(item.id)}>
            Delete
          </button>
        </div>
      </div>
      <p className="prompt-line" title={m.prompt}>
        {m.prompt}
      </p>
    </>
  );
}
