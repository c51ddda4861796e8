// Registers the service worker (offline use) and offers a new version when one is deployed.
import { useRegisterSW } from 'virtual:pwa-register/react';

export function UpdatePrompt() {
  const {
    needRefresh: [needRefresh, setNeedRefresh],
    offlineReady: [offlineReady, setOfflineReady],
    updateServiceWorker,
  } = useRegisterSW();
  if (!needRefresh && !offlineReady) return null;
  return (
    <div className="update-prompt" role="status" aria-live="polite">
      {needRefresh ? (
        <>
          <span>A new version of Z-Image Studio is available.</span>
          <button type="button" className="btn small primary" onClick={() => void updateServiceWorker(true)}>
            Update
          </button>
          <button type="button" className="btn small" onClick={() => setNeedRefresh(false)}>
            Later
          </button>
        </>
      ) : (
        <>
          <span>Ready to work offline.</span>
          <button type="button" className="btn small" onClick={() => setOfflineReady(false)}>
            OK
          </button>
        </>
      )}
    </div>
  );
}
