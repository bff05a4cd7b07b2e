import { useLab } from '../../store';
import { TpmOption } from './TpmOption';

/** The scenario to run and its options (EUA on/off, orbit version, sign-in method, SCIM user, seed…). */
export function ScenarioPicker() {
  const scenarios = useLab((s) => s.scenarios);
  const scenario = useLab((s) => s.scenario);
  const options = useLab((s) => s.options);
  const choose = useLab((s) => s.chooseScenario);
  const setOption = useLab((s) => s.setOption);
  const seed = useLab((s) => s.seed);
  const setSeed = useLab((s) => s.setSeed);
  const tls = useLab((s) => s.tls);
  const setTls = useLab((s) => s.setTls);
  const caFile = useLab((s) => s.lab?.caFile);
  const info = scenarios.find((s) => s.name === scenario);
  return (
    <div className="scenario">
      <select aria-label="Scenario" value={scenario} onChange={(e) => choose(e.target.value)} title={info?.description}>
        {scenarios.length === 0 && <option value={scenario}>{scenario} (not available yet)</option>}
        {scenarios.map((s) => (
          <option key={s.name} value={s.name}>{s.name}</option>
        ))}
      </select>
      {info && info.options.length > 0 && (
        <details className="options" data-popover>
          <summary>Options</summary>
          <div className="popover" role="group" aria-label="Scenario options">
            <p className="muted small">{info.description}</p>
            {info.options.map((o) => (
              <label key={o.name} className="opt">
                <span>{o.label}</span>
                {o.kind === 'boolean' ? (
                  <input type="checkbox" checked={options[o.name] === true} onChange={(e) => setOption(o.name, e.target.checked)} />
                ) : o.kind === 'select' ? (
                  <select value={String(options[o.name] ?? o.default)} onChange={(e) => setOption(o.name, e.target.value)}>
                    {(o.choices ?? []).map((c) => (
                      <option key={c} value={c}>{c}</option>
                    ))}
                  </select>
                ) : (
                  <input type="text" value={String(options[o.name] ?? o.default)} onChange={(e) => setOption(o.name, e.target.value)} />
                )}
              </label>
            ))}
            <label className="opt" title="Pins the lab clock and ids: the same seed on the same ports gives a byte-identical run">
              <span>Seed (reproducible run)</span>
              <input type="text" aria-label="Seed" placeholder="none" value={seed} maxLength={64} onChange={(e) => setSeed(e.target.value)} />
            </label>
            <label className="opt" title="Every party listens with HTTPS on a certificate from the lab CA (the session folder's tls/lab-ca.pem); the device and orbit trust that CA">
              <span>HTTPS (lab CA)</span>
              <input type="checkbox" aria-label="HTTPS" checked={tls} onChange={(e) => setTls(e.target.checked)} />
            </label>
            {caFile && <p className="muted small" data-testid="lab-ca-file">Lab CA for outside clients: <code>{caFile}</code></p>}
            <TpmOption />
          </div>
        </details>
      )}
    </div>
  );
}
