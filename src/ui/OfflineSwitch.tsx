// The offline-only switch in the header, on every tab: while it is on, the studio sends no request beyond its own
// origin (downloads, catalog and source checks are refused with a message); generating, editing, the gallery and
// local import keep working.
import { useEffect } from 'react';
import { privacyStore, usePrivacy } from '../store/privacy.ts';
import './privacy.css';

export function OfflineSwitch() {
  const offline = usePrivacy((s) => s.offline);
  const loaded = usePrivacy((s) => s.loaded);
  const error = usePrivacy((s) => s.error);
  useEffect(() => {
    void privacyStore.getState().load();
  }, []);
  const title = offline
    ? 'Offline mode is on: nothing is sent over the network. Click to allow model downloads again.'
    : 'Turn on offline mode: block every network request (downloads, catalog and source checks).';
  return (
    <label className={`offline-switch${offline ? ' on' : ''}`} title={error?.message ?? title}>
      <input
        type="checkbox"
        role="switch"
        aria-label="Offline mode"
        checked={offline}
        disabled={!loaded}
        onChange={(e) => void privacyStore.getState().setOffline(e.target.checked)}
      />
      <span className="offline-text" data-testid="offline-state">
        {offline ? 'Offline mode on' : 'Online'}
      </span>
      {error && <span className="offline-error" role="alert">{error.message}</span>}
    </label>
  );
}
