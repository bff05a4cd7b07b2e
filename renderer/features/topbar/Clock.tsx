import { useEffect, useState } from 'react';
import { useLab } from '../../store';
import { labNow } from '../../store/selectors/clock';
import { advanceClock } from '../../store/actions';
import { duration, labTime } from '../../lib/format';

const PRESETS: ReadonlyArray<[string, number]> = [
  ['5 min', 5 * 60_000],
  ['1 h', 3600_000],
  ['2 h', 2 * 3600_000],
  ['1 day', 24 * 3600_000],
];

/** The lab clock (ticks with real time unless pinned) and "advance by…" to expire tokens or pass re-prompt intervals. */
export function Clock() {
  const clock = useLab((s) => s.clock);
  const [, tick] = useState(0);
  const [custom, setCustom] = useState('');
  useEffect(() => {
    const t = setInterval(() => tick((n) => n + 1), 1000);
    return () => clearInterval(t);
  }, []);
  const now = labNow(clock, performance.now());
  return (
    <div className="clock">
      <span className="clock-now" aria-label="Lab time" title={clock?.pinned ? 'pinned (seeded run)' : 'runs with real time'}>
        {now === null ? '--:--:--' : labTime(now)}
      </span>
      {clock && clock.offsetMs !== 0 && <span className="clock-offset" aria-label="Clock offset">+{duration(clock.offsetMs)}</span>}
      <details className="advance" data-popover>
        <summary>Advance by…</summary>
        <div className="popover" role="group" aria-label="Advance the lab clock">
          {PRESETS.map(([label, ms]) => (
            <button key={label} onClick={() => void advanceClock(ms)} aria-label={`Advance by ${label}`}>+{label}</button>
          ))}
          <form
            onSubmit={(e) => {
              e.preventDefault();
              const min = Number(custom);
              if (min > 0) void advanceClock(Math.round(min * 60_000));
              setCustom('');
            }}
          >
            <input aria-label="Minutes to advance" inputMode="decimal" placeholder="minutes" value={custom} onChange={(e) => setCustom(e.target.value)} />
            <button type="submit">Advance</button>
          </form>
        </div>
      </details>
    </div>
  );
}
