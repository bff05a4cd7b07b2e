import { useEffect } from 'react';
import { useLab } from '../../store';

/** The top bar's presenter-mode switch (also `p`); the mode sets `data-presenter` on <html> for the large-text styles. */
export function PresenterToggle() {
  const presenter = useLab((s) => s.presenter);
  const setPresenter = useLab((s) => s.setPresenter);
  useEffect(() => {
    if (presenter) document.documentElement.dataset.presenter = 'on';
    else delete document.documentElement.dataset.presenter;
  }, [presenter]);
  return (
    <button aria-pressed={presenter} onClick={() => setPresenter(!presenter)} title="Presenter mode (p): large text, phase captions, the guided walk with [ and ]">
      Present
    </button>
  );
}
