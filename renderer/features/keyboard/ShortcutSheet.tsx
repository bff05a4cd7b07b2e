import { useEffect, useRef } from 'react';
import { useLab } from '../../store';
import { KEYMAP, keyLabel, type KeyBinding } from './keymap';

const SECTIONS: ReadonlyArray<KeyBinding['section']> = ['Move', 'Run', 'View'];

/** The `?` sheet, rendered from the keymap table itself. */
export function ShortcutSheet() {
  const open = useLab((s) => s.sheetOpen);
  const setOpen = useLab((s) => s.setSheetOpen);
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={ref} className="sheet" aria-label="Keyboard shortcuts" onClose={() => setOpen(false)} onClick={(e) => e.target === ref.current && setOpen(false)}>
      <h2>Keyboard shortcuts</h2>
      <div className="sheet-cols">
        {SECTIONS.map((sec) => (
          <section key={sec}>
            <h3>{sec}</h3>
            <dl>
              {KEYMAP.filter((b) => b.section === sec).map((b) => (
                <div key={b.action} className="sheet-row">
                  <dt>
                    {b.keys.map((k) => (
                      <kbd key={k}>{keyLabel(k)}</kbd>
                    ))}
                  </dt>
                  <dd>{b.description}</dd>
                </div>
              ))}
            </dl>
          </section>
        ))}
      </div>
      <button onClick={() => setOpen(false)}>Close</button>
    </dialog>
  );
}
