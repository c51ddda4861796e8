// Registers the service worker (offline use) and offers a new version when one is deployed.
import { useRegisterSW } from 'virtual:pwa-register/react';
import { t } from '../store/ui.ts';

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
          <span>{t('update.available')}</span>
          <button type="button" className="btn small primary" onClick={() => void updateServiceWorker(true)}>
            {t('update.update')}
          </button>
          <button type="button" className="btn small" onClick={() => setNeedRefresh(false)}>
            {t('update.later')}
          </button>
        </>
      ) : (
        <>
          <span>{t('update.offlineReady')}</span>
          <button type="button" className="btn small" onClick={() => setOfflineReady(false)}>
            {t('update.ok')}
          </button>
        </>
      )}
    </div>
  );
}
