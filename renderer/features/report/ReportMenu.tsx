import { useState } from 'react';
import { useLab } from '../../store';
import { api } from '../../api/client';
import { reproCommand } from '../../lib/repro';

type ExportForm = 'redacted' | 'without-keys' | 'full';

/** The three forms of an export (SECURITY.md): what each keeps and what it takes out. */
const EXPORT_FORMS: readonly { id: ExportForm; label: string; title: string }[] = [
  { id: 'redacted', label: 'Redacted: no passwords, enroll secrets, private keys or token signatures', title: 'The run without its secrets (and without DB snapshots, which cannot be redacted)' },
  { id: 'without-keys', label: "Without the lab servers' private keys (the DB tab still works)", title: "Every step and DB snapshot, with the lab servers' private keys blanked in the snapshots" },
  { id: 'full', label: 'Everything, lab keys included', title: 'Every step, token, DB change and snapshot' },
];

/**
 * Everything a bug report needs in one place: the run's seed, each expectation with its verdict (a click selects
 * the step that decides it), the command that reproduces the run, and exports named for scenario and seed, with
 * the secrets redacted if asked.
 */
export function ReportMenu() {
  const lab = useLab((s) => s.lab);
  const scenarios = useLab((s) => s.scenarios);
  const select = useLab((s) => s.select);
  const [form, setForm] = useState<ExportForm>('redacted');
  const [copied, setCopied] = useState(false);
  if (!lab) return null;
  const repro = reproCommand(lab, scenarios);
  const failed = lab.expectations.filter((e) => !e.passed).length;
  // Failures first: they are what the report is about.
  const copy = async () => {
    if (!repro) return;
    await navigator.clipboard.writeText(repro);
    setCopied(true);
  };
  return (
    <details className="report-menu" data-popover onToggle={() => setCopied(false)}>
      <summary>Report{lab.expectations.length ? ` (${failed ? `${failed} failed` : 'all met'})` : ''}</summary>
      <div className="popover report" role="group" aria-label="Bug report">
        <p className="small">
          {lab.scenario ?? 'no scenario'} · {lab.seed ? <>seed <code data-testid="run-seed">{lab.seed}</code></> : <span className="muted">unseeded (set a seed in Options to reproduce byte for byte)</span>}
        </p>
        {lab.expectations.length > 0 ? (
          <ul className="expectations" aria-label="Expectations">
            {[...lab.expectations].sort((a, b) => Number(a.passed) - Number(b.passed)).map((e) => (
              <li key={e.name} className={e.passed ? 'good' : 'bad'} data-passed={e.passed}>
                <span aria-hidden>{e.passed ? '✓' : '✗'}</span>{' '}
                {typeof e.stepIndex === 'number' ? (
                  <button className="link-btn" onClick={() => select(e.stepIndex as number)} title="Select the step that decides this">
                    {e.name}
                  </button>
                ) : (
                  <span>{e.name}</span>
                )}
                <span className="muted small"> · {e.detail}{typeof e.stepIndex === 'number' ? ` (step ${e.stepIndex + 1})` : ''}</span>
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted small">No expectations yet: they are checked when a run ends.</p>
        )}
        {repro && (
          <div className="repro">
            <code data-testid="repro-command">{repro}</code>
            <button onClick={() => void copy()}>{copied ? 'Copied' : 'Copy repro command'}</button>
          </div>
        )}
        <fieldset className="export-form small" aria-label="What the export keeps">
          {EXPORT_FORMS.map((f) => (
            <label key={f.id} title={f.title}>
              <input type="radio" name="export-form" value={f.id} checked={form === f.id} onChange={() => setForm(f.id)} /> {f.label}
            </label>
          ))}
        </fieldset>
        <p>
          <a className="link-btn" href={api.exportUrl('json', { redact: form === 'redacted', withoutKeys: form === 'without-keys' })} download title={EXPORT_FORMS.find((f) => f.id === form)?.title}>
            Export the run for a bug report
          </a>
        </p>
      </div>
    </details>
  );
}
