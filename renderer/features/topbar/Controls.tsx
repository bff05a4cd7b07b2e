import { useLab } from '../../store';
import { enabledControls } from '../../store/selectors/run';
import { back, cont, reset, run, step } from '../../store/actions';

/** Run, Step, Back, Continue, Reset: the same actions as the keys (see keymap.ts). */
export function Controls() {
  const lab = useLab((s) => s.lab);
  const known = useLab((s) => s.scenarios.some((x) => x.name === s.scenario));
  const starting = useLab((s) => s.starting);
  const on = enabledControls(lab, known, starting);
  return (
    <div className="controls" role="group" aria-label="Run controls">
      <button className="primary" disabled={!on.run} onClick={() => void run(false)} title="Run the scenario to the end or the next breakpoint (r)">Run</button>
      <button disabled={!on.step} onClick={() => void step()} title="Step: one message (Space)">Step</button>
      <button disabled={!on.back} onClick={() => void back()} title="Back: the world one step earlier (b)">Back</button>
      <button disabled={!on.continue} onClick={() => void cont()} title="Continue to the end or the next breakpoint (c)">Continue</button>
      <button disabled={!on.reset} onClick={() => void reset()} title="Reset: a fresh world">Reset</button>
    </div>
  );
}
