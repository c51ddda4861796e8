// The offline-only switch in the header, on every tab: while it is on, the studio sends no request beyond its own
// origin (downloads, catalog and source checks are refused with a message); generating, editing, the gallery and
// local import keep working.
import { useEffect } from 'react';
import { privacyStore, usePrivacy } from '../store/privacy.ts';
import { t } from '../store/ui.ts';
import './privacy.css';

export function OfflineSwitch() {
  const offline = usePrivacy((s) => s.offline);
  const loaded = usePrivacy((s) => s.loaded);
  const error = usePrivacy((s) => s.error);
  useEffect(() => {
    void privacyStore.getState().load();
  }, []);
  const title = offline
    ? t('offline.titleOn')
    : t('offline.titleOff');
  return (
    <label className={`offline-switch${offline ? ' on' : ''}`} title={error?.message ?? title}>
      <input
        type="checkbox"
        role="switch"
        aria-label={t('offline.label')}
        checked={offline}
        disabled={!loaded}
        onChange={(e) => void privacyStore.getState().setOffline(e.target.checked)}
      />
      <span className="offline-text" data-testid="offline-state">
        {offline ? t('offline.on') : t('offline.off')}
      </span>
      {error && <span className="offline-error" role="alert">{error.message}</span>}
    </label>
  );
}
