import { useEffect } from 'react';
import { useDevice } from '../store/deviceSlice.ts';
import { DeviceStatus } from './DeviceStatus.tsx';

export function App() {
  const check = useDevice((s) => s.check);
  useEffect(() => {
    void check();
  }, [check]);
  return (
    <div className="app">
      <header className="app-header">
        <h1>Z-Image Studio</h1>
        <p className="tagline">Generate and edit images privately, on your own GPU.</p>
      </header>
      <main>
        <DeviceStatus />
      </main>
    </div>
  );
}
