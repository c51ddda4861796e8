import { ControlPanel } from './ControlPanel.tsx';
import { Gallery } from './Gallery.tsx';
import { LoraPanel } from './LoraPanel.tsx';
import { PreviewSwitch } from './PreviewSwitch.tsx';
import { PromptForm } from './PromptForm.tsx';
import { QueuePanel } from './QueuePanel.tsx';
import { ResultView } from './ResultView.tsx';
import { t } from '../store/ui.ts';
import './create.css';

/** The Create tab: settings on the left, the current image and the gallery on the right. */
export function CreateView({ onEdit, onLoadPng }: { onEdit: () => void; onLoadPng: (f: File) => Promise<void> }) {
  return (
    <div className="create-grid">
      <div className="create-side">
        <PromptForm />
        <PreviewSwitch />
        <LoraPanel />
        <ControlPanel target="create" />
        <div className="panel load-png">
          <label className="btn small">
            {t('form.loadPng')}
            <input
              type="file"
              accept="image/png"
              className="visually-hidden"
              onChange={(e) => {
                const f = e.target.files?.[0];
                e.target.value = '';
                // Restores the settings a studio PNG carries; any other image opens in the editor.
                if (f) void onLoadPng(f);
              }}
            />
          </label>
          <span className="muted small">{t('form.loadPngHint')}</span>
        </div>
      </div>
      <div className="create-main">
        <ResultView onEdit={onEdit} />
        <QueuePanel />
        <Gallery />
      </div>
    </div>
  );
}
