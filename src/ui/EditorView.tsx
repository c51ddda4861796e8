import { useEffect } from 'react';
import { studioStore, useStudio, useStudioShallow } from '../store/index.ts';
import { Compare } from './Compare.tsx';
import { ControlPanel } from './ControlPanel.tsx';
import { EditPanel } from './EditPanel.tsx';
import { isTextTarget } from './files.ts';
import { MaskCanvas } from './MaskCanvas.tsx';
import { QueuePanel } from './QueuePanel.tsx';
import { t } from '../store/ui.ts';
import './editor.css';

/** The Edit tab: toolbar, the mask canvas (or the before/after of the last edit), and the edit panel. */
export function EditorView({ onOpenFile }: { onOpenFile: (f: File) => void }) {
  const source = useStudio((s) => s.editor.source);
  const result = useStudio((s) => s.editor.result);
  const opening = useStudio((s) => s.editor.opening);
  const keepResult = useStudio((s) => s.editor.keepResult);
  const dismissResult = useStudio((s) => s.editor.dismissResult);

  // Editor shortcuts while this tab is mounted (only the visible tab is).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const ed = studioStore.getState().editor;
      const mod = e.ctrlKey || e.metaKey;
      if (mod && (e.key === 'z' || e.key === 'Z') && !isTextTarget(e.target)) {
        e.preventDefault();
        if (e.shiftKey) ed.redo();
        else ed.undo();
        return;
      }
      if (mod && (e.key === 'y' || e.key === 'Y') && !isTextTarget(e.target)) {
        e.preventDefault();
        ed.redo();
        return;
      }
      if (mod || e.altKey || isTextTarget(e.target)) return;
      if (e.key === '[') ed.nudgeSize(-1);
      else if (e.key === ']') ed.nudgeSize(1);
      else if (e.key === 'b' || e.key === 'B') ed.setTool('brush');
      else if (e.key === 'e' || e.key === 'E') ed.setTool('eraser');
      else if (e.key === 'h' || e.key === 'H') ed.setTool('pan');
      else if (e.key === 'm' || e.key === 'M') ed.setOverlayVisible(!ed.overlayVisible);
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <div className="editor-grid">
      <div className="editor-main">
        <EditorToolbar onOpenFile={onOpenFile} disabled={!source || !!result} />
        {!source ? (
          <div className="editor-empty panel">
            <div className="empty">
              <div className="empty-art" aria-hidden="true" />
              <p>{opening ? t('editor.opening') : t('editor.openHint')}</p>
              <OpenImageButton onOpenFile={onOpenFile} primary />
            </div>
          </div>
        ) : result ? (
          <div className="panel compare-panel">
            <div className="panel-title">
              <h2>{t('editor.beforeAfter')}</h2>
              <div className="actions">
                <button type="button" className="btn small" onClick={keepResult}>
                  {t('editor.keepResult')}
                </button>
                <button type="button" className="btn small ghost" onClick={dismissResult}>
                  {t('editor.backToMask')}
                </button>
              </div>
            </div>
            <Compare before={result.before} after={result.after} instruction={result.instruction} />
          </div>
        ) : (
          <MaskCanvas />
        )}
      </div>
      <aside className="editor-side">
        <EditPanel />
        <ControlPanel target="edit" />
        <QueuePanel />
        <Shortcuts />
      </aside>
    </div>
  );
}

function OpenImageButton({ onOpenFile, primary }: { onOpenFile: (f: File) => void; primary?: boolean }) {
  return (
    <label className={`btn ${primary ? 'primary' : 'small'}`}>
      {t('editor.open')}
      <input
        type="file"
        accept="image/*"
        className="visually-hidden"
        onChange={(e) => {
          const f = e.target.files?.[0];
          e.target.value = '';
          if (f) onOpenFile(f);
        }}
      />
    </label>
  );
}

function EditorToolbar({ onOpenFile, disabled }: { onOpenFile: (f: File) => void; disabled: boolean }) {
  const tool = useStudio((s) => s.editor.tool);
  const brush = useStudio((s) => s.editor.brush);
  const overlayVisible = useStudio((s) => s.editor.overlayVisible);
  const canUndo = useStudio((s) => !!s.editor.painter?.canUndo);
  const canRedo = useStudio((s) => !!s.editor.painter?.canRedo);
  const hasSource = useStudio((s) => s.editor.source !== null);
  const ed = useStudioShallow((s) => {
    const { setTool, undo, redo, clearMask, invertMask, setBrush, setOverlayVisible } = s.editor;
    return { setTool, undo, redo, clearMask, invertMask, setBrush, setOverlayVisible };
  });
  return (
    <div className="toolbar panel" role="toolbar" aria-label={t('editor.tools')}>
      <div className="tb-row">
        <OpenImageButton onOpenFile={onOpenFile} />
        <span className="sep" aria-hidden="true" />
        <div className="tool-group" role="group" aria-label={t('editor.tool')}>
          {(
            [
              ['brush', t('editor.brush'), 'B'],
              ['eraser', t('editor.eraser'), 'E'],
              ['pan', t('editor.pan'), 'H'],
            ] as const
          ).map(([id, name, key]) => (
            <button key={id} type="button" className="btn small" aria-pressed={tool === id} onClick={() => ed.setTool(id)} aria-keyshortcuts={key} title={t('editor.toolKey', { name, key })} disabled={disabled}>
              {name}
            </button>
          ))}
        </div>
        <span className="sep" aria-hidden="true" />
        <button type="button" className="btn small" onClick={ed.undo} disabled={disabled || !canUndo} aria-keyshortcuts="Control+Z" title={t('editor.undoHint')}>
          {t('editor.undo')}
        </button>
        <button type="button" className="btn small" onClick={ed.redo} disabled={disabled || !canRedo} aria-keyshortcuts="Control+Shift+Z" title={t('editor.redoHint')}>
          {t('editor.redo')}
        </button>
        <button type="button" className="btn small" onClick={ed.clearMask} disabled={disabled || !hasSource}>
          {t('editor.clear')}
        </button>
        <button type="button" className="btn small" onClick={ed.invertMask} disabled={disabled || !hasSource}>
          {t('editor.invert')}
        </button>
      </div>
      <div className="tb-row">
        <div className="tb-field" title={t('editor.sizeHint')}>
          <label className="field-label" htmlFor="brush-size">
            {t('editor.size')}
          </label>
          <input id="brush-size" type="range" min={1} max={512} value={brush.size} onChange={(e) => ed.setBrush({ size: Number(e.target.value) })} aria-valuetext={t('editor.pixels', { n: brush.size })} aria-keyshortcuts="[ ]" disabled={disabled} />
          <span className="tb-value">{t('editor.px', { n: brush.size })}</span>
        </div>
        <div className="tb-field">
          <label className="field-label" htmlFor="brush-hardness">
            {t('editor.hardness')}
          </label>
          <input id="brush-hardness" type="range" min={0} max={100} value={Math.round(brush.hardness * 100)} onChange={(e) => ed.setBrush({ hardness: Number(e.target.value) / 100 })} aria-valuetext={`${Math.round(brush.hardness * 100)}%`} disabled={disabled} />
          <span className="tb-value">{Math.round(brush.hardness * 100)}%</span>
        </div>
        <label className="check" title={t('editor.pressureHint')}>
          <input type="checkbox" checked={brush.pressure} onChange={(e) => ed.setBrush({ pressure: e.target.checked })} disabled={disabled} />
          {t('editor.pressure')}
        </label>
        <label className="check" title={t('editor.showMaskHint')}>
          <input type="checkbox" checked={overlayVisible} onChange={(e) => ed.setOverlayVisible(e.target.checked)} disabled={disabled} aria-keyshortcuts="M" />
          {t('editor.showMask')}
        </label>
      </div>
    </div>
  );
}

function Shortcuts() {
  return (
    <details className="panel shortcuts">
      <summary>{t('editor.shortcuts')}</summary>
      <dl>
        <dt><kbd>B</kbd> <kbd>E</kbd> <kbd>H</kbd></dt>
        <dd>{t('editor.sc.tools')}</dd>
        <dt><kbd>[</kbd> <kbd>]</kbd></dt>
        <dd>{t('editor.sc.size')}</dd>
        <dt><kbd>Ctrl</kbd>+<kbd>Z</kbd></dt>
        <dd>{t('editor.sc.undo')}</dd>
        <dt><kbd>Ctrl</kbd>+<kbd>Shift</kbd>+<kbd>Z</kbd></dt>
        <dd>{t('editor.sc.redo')}</dd>
        <dt><kbd>Space</kbd> {t('editor.sc.drag')}</dt>
        <dd>{t('editor.sc.pan')}</dd>
        <dt>{t('editor.sc.wheel')} <kbd>+</kbd> <kbd>−</kbd> <kbd>0</kbd></dt>
        <dd>{t('editor.sc.zoom')}</dd>
        <dt><kbd>M</kbd></dt>
        <dd>{t('editor.sc.mask')}</dd>
        <dt><kbd>Esc</kbd></dt>
        <dd>{t('editor.sc.esc')}</dd>
        <dt><kbd>Ctrl</kbd>+<kbd>Enter</kbd></dt>
        <dd>{t('editor.sc.apply')}</dd>
      </dl>
    </details>
  );
}
