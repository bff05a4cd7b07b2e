import { useLab } from '../../store';
import { pickFile, pickSide, refreshRuns } from '../../store/compare-actions';
import { runLabel, sourceKey, sourceLabel } from '../../store/selectors/compare';

/** Pick one side: a finished run of this session, the run on screen, or a bundle file from disk. */
export function SidePicker({ which }: { which: 'a' | 'b' }) {
  const runs = useLab((s) => s.runs);
  const src = useLab((s) => s.sides[which]);
  const name = which.toUpperCase();
  const key = sourceKey(src);
  return (
    <div className={`side-picker side-${which}`}>
      <span className="side-name">{name}</span>
      <select
        aria-label={`Run ${name}`}
        value={key}
        onFocus={() => void refreshRuns()}
        onChange={(e) => {
          const v = e.target.value;
          if (v.startsWith('run:')) void pickSide(which, { kind: 'run', runId: v.slice(4) });
        }}
      >
        <option value="" disabled>Pick a run…</option>
        {runs.map((r) => (
          <option key={r.runId} value={`run:${r.runId}`}>{runLabel(r)}</option>
        ))}
        <option value="run:current">the run on screen</option>
        {src?.kind === 'file' && <option value={key}>{sourceLabel(src, runs)}</option>}
      </select>
      <label className="link-btn file-btn" title="Compare a saved run (a bundle .json)">
        File…
        <input
          type="file"
          accept=".json,application/json"
          aria-label={`Open a bundle file as run ${name}`}
          onChange={(e) => {
            const f = e.target.files?.[0];
            e.target.value = '';
            if (f) void pickFile(which, f);
          }}
        />
      </label>
    </div>
  );
}
