import { createRoot } from 'react-dom/client';
import { useEffect, useState } from 'react';
import type { Step } from '../app/contract';
import { api } from './api/client';

function App() {
  const [steps, setSteps] = useState<Step[]>([]);
  useEffect(
    () =>
      api.events((ev) => {
        if (ev.type === 'reset') setSteps([]);
        if (ev.type === 'step') setSteps((s) => { const n = [...s]; n[ev.step.index] = ev.step; return n; });
      }),
    [],
  );
  return (
    <main data-app-state="loaded">
      <h1>Enrollscope</h1>
      <ul aria-label="Steps">
        {steps.map((s) => (
          <li key={s.id}>{s.index + 1}. {s.from} → {s.to} {s.title} {s.response?.status ?? s.status}</li>
        ))}
      </ul>
    </main>
  );
}

createRoot(document.getElementById('root')!).render(<App />);
