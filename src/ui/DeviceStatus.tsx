import { useDevice } from '../store/deviceSlice.ts';

export function DeviceStatus() {
  const { status, info, error } = useDevice();
  if (status === 'error' && error)
    return (
      <section className="panel error" role="alert" aria-label="Device">
        <h2>GPU unavailable</h2>
        <p data-error-code={error.code}>{error.message}</p>
      </section>
    );
  if (status !== 'ready' || !info)
    return (
      <section className="panel" aria-label="Device">
        <p>Checking WebGPU…</p>
      </section>
    );
  const a = info.adapter;
  return (
    <section className="panel" aria-label="Device">
      <h2>GPU</h2>
      <p data-testid="adapter">
        {[a.vendor, a.architecture, a.description].filter(Boolean).join(' · ') || 'WebGPU adapter'}
      </p>
    </section>
  );
}
