import { useStudio } from '../store/index.ts';
import { t } from '../store/ui.ts';

/** The Device tab's low-memory switch (remembered): what it trades, in one line. Applies from the next job on. */
export function LowMemorySwitch() {
  const on = useStudio((s) => s.device.lowMemory);
  const setLowMemory = useStudio((s) => s.device.setLowMemory);
  return (
    <div className="low-memory" data-testid="low-memory">
      <label className="check">
        <input type="checkbox" checked={on} onChange={(e) => setLowMemory(e.target.checked)} aria-describedby="low-memory-hint" /> {t('device.lowMemory')}
      </label>
      <p id="low-memory-hint" className="small muted">
        {t('device.lowMemoryHint')}
      </p>
    </div>
  );
}
