import { useEffect, useState } from 'react';
import { useStudio, useStudioShallow } from '../store/index.ts';
import { LORA_STRENGTH_MAX, LORA_STRENGTH_MIN } from '../store/lorasSlice.ts';
import { formatBytes } from '../store/format.ts';
import { formatNumber, t } from '../store/ui.ts';

/** LoRAs in Create: import a .safetensors or add one by URL; enable, set strength (-2..2), delete. */
export function LoraPanel() {
  const s = useStudioShallow((st) => ({ list: st.loras.list, choice: st.loras.choice, busy: st.loras.busy, error: st.loras.error, notice: st.loras.notice }));
  const a = useStudioShallow((st) => ({ refresh: st.loras.refresh, importFile: st.loras.importFile, addUrl: st.loras.addUrl, remove: st.loras.remove, setEnabled: st.loras.setEnabled, setStrength: st.loras.setStrength, dismiss: st.loras.dismiss }));
  const modelLoaded = useStudio((st) => st.models.loaded !== null);
  const [url, setUrl] = useState('');
  const refresh = a.refresh;
  useEffect(() => {
    void refresh();
  }, [refresh, modelLoaded]);
  return (
    <section className="panel lora-panel" aria-label={t('lora.title')}>
      <h3>{t('lora.title')}</h3>
      {s.list.length === 0 && <p className="muted small">{t('lora.empty')}</p>}
      <ul className="lora-list">
        {s.list.map((x) => {
          const c = s.choice[x.id] ?? { enabled: false, strength: 1 };
          return (
            <li key={x.id} data-testid="lora-item">
              <label className="lora-name">
                <input type="checkbox" checked={c.enabled} disabled={s.busy} onChange={(e) => void a.setEnabled(x.id, e.target.checked)} aria-label={t('lora.enable', { name: x.name })} />
                <span title={t('lora.info', { layers: x.modules, size: formatBytes(x.bytes) })}>{x.name}</span>
              </label>
              <input
                type="range"
                min={LORA_STRENGTH_MIN}
                max={LORA_STRENGTH_MAX}
                step={0.05}
                value={c.strength}
                aria-label={t('lora.strength', { name: x.name })}
                onChange={(e) => a.setStrength(x.id, Number(e.target.value))}
              />
              <output className="small">{formatNumber(c.strength, { minimumFractionDigits: 2, maximumFractionDigits: 2 })}</output>
              <button type="button" className="btn small" disabled={s.busy} onClick={() => void a.remove(x.id)} aria-label={t('lora.deleteName', { name: x.name })}>
                {t('lora.delete')}
              </button>
            </li>
          );
        })}
      </ul>
      <div className="lora-add">
        <label className="btn small">
          {t('lora.import')}
          <input
            type="file"
            accept=".safetensors"
            className="visually-hidden"
            data-testid="lora-file"
            onChange={(e) => {
              const f = e.target.files?.[0];
              e.target.value = '';
              if (f) void a.importFile(f);
            }}
          />
        </label>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (url.trim()) void a.addUrl(url).then(() => setUrl(''));
          }}
        >
          <input type="url" placeholder="https://…/lora.safetensors" value={url} onChange={(e) => setUrl(e.target.value)} aria-label={t('lora.url')} />
          <button type="submit" className="btn small" disabled={s.busy || !url.trim()}>
            {t('lora.addUrl')}
          </button>
        </form>
      </div>
      {s.error && (
        <p className="error small" role="alert" onClick={a.dismiss}>
          {s.error.message}
        </p>
      )}
      {s.notice && <p className="muted small">{s.notice}</p>}
    </section>
  );
}
