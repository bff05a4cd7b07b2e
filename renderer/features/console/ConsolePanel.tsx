import { useEffect, useMemo, useState } from 'react';
import type { MdmSettingsView, QueuedCommand } from '../../../app/contract';
import { useLab } from '../../store';
import type { ConsoleSection } from '../../store/console';
import { answerDeviceCode, answerMfa, createScimUser, loadMdmSettings, loadPending, queueCommand, syncDevice, updateMdmSetting } from '../../store/console-actions';
import { COMMAND_TEMPLATES, answerTo, commandXml, newCmdId, withCmdId } from '../../lib/syncml-templates';
import { statusMeaning } from '../../lib/syncml-codes';
import { CodeView } from '../code/CodeView';

/**
 * The trainer's console: queue any SyncML command for the run's device, make the device sync now (its answers
 * arrive as new steps), provision a SCIM user, flip the MDM server's settings. Refusals show beside their form.
 */
export function ConsolePanel() {
  const runId = useLab((s) => s.lab?.runId);
  const close = useLab((s) => s.setConsoleOpen);
  useEffect(() => {
    void loadMdmSettings();
  }, [runId]);
  return (
    <section className="console" aria-label="Trainer console">
      <header className="console-head">
        <h2>Trainer console</h2>
        <span className="muted small">talks to the MDM server and the run's device</span>
        <span className="spacer" />
        <button onClick={() => close(false)} aria-label="Close the console">Close</button>
      </header>
      <div className="console-body">
        <CommandForm />
        <SyncForm />
        <SignInRequests />
        <ScimForm />
        <SettingsForm />
      </div>
    </section>
  );
}

function Outcome({ section }: { section: ConsoleSection }) {
  const error = useLab((s) => s.consoleErrors[section]);
  const note = useLab((s) => s.consoleNotes[section]);
  if (error) return <p className="console-error" role="alert" data-section={section}>{error}</p>;
  if (note) return <p className="console-note" role="status" data-section={section}>{note}</p>;
  return null;
}

function CommandForm() {
  const [templateId, setTemplateId] = useState(COMMAND_TEMPLATES[0]!.id);
  const [xml, setXml] = useState(() => commandXml(COMMAND_TEMPLATES[0]!, newCmdId()));
  const busy = useLab((s) => s.consoleBusy === 'command');
  const queued = useLab((s) => s.queued);
  return (
    <section className="console-section" aria-label="Queue a SyncML command">
      <h3>Queue a SyncML command</h3>
      <p className="muted small">Fleet stores it in windows_mdm_commands and sends it in the device's next management session (MS-MDM 2.2.7).</p>
      <select
        aria-label="Command template"
        value={templateId}
        onChange={(e) => {
          const t = COMMAND_TEMPLATES.find((x) => x.id === e.target.value)!;
          setTemplateId(t.id);
          setXml(commandXml(t, newCmdId()));
        }}
      >
        {COMMAND_TEMPLATES.map((t) => (
          <option key={t.id} value={t.id}>{t.label}</option>
        ))}
      </select>
      <CodeView label="SyncML command" testId="console-editor" editable value={xml} language="xml" onChange={setXml} />
      <div className="console-actions">
        <button
          className="primary"
          disabled={busy || !xml.trim()}
          onClick={async () => {
            const before = useLab.getState().queued.length;
            await queueCommand(xml);
            if (useLab.getState().queued.length > before) setXml((x) => withCmdId(x, newCmdId()));
          }}
        >
          Queue command
        </button>
      </div>
      <Outcome section="command" />
      {queued.length > 0 && <QueuedList queued={queued} />}
    </section>
  );
}

function QueuedList({ queued }: { queued: QueuedCommand[] }) {
  const steps = useLab((s) => s.steps);
  const select = useLab((s) => s.select);
  const setTab = useLab((s) => s.setTab);
  const answers = useMemo(() => queued.map((q) => answerTo(steps, q.commandUuid)), [queued, steps]);
  return (
    <ul className="queued" aria-label="Queued commands">
      {queued.map((q, i) => {
        const a = answers[i];
        return (
          <li key={q.commandUuid}>
            <code>{q.targetLocUri}</code>
            {a ? (
              <>
                {a.status && <span className={`tone-${a.status.startsWith('2') ? 'ok' : 'error'}`} title={statusMeaning(a.status)}> Status {a.status}</span>}
                {a.results.map((r, j) => (
                  <span key={j} className="result">
                    {' '}= <strong>{r.data}</strong>
                  </span>
                ))}
                <button
                  className="link"
                  onClick={() => {
                    select(a.stepIndex);
                    setTab('request');
                  }}
                >
                  step {a.stepIndex + 1}
                </button>
              </>
            ) : (
              <span className="muted"> queued, waiting for the device's next session</span>
            )}
          </li>
        );
      })}
    </ul>
  );
}

function SyncForm() {
  const busy = useLab((s) => s.consoleBusy === 'sync');
  return (
    <section className="console-section" aria-label="Sync the device">
      <h3>Sync the device</h3>
      <p className="muted small">The device opens a management session now, as when its poll timer fires: queued commands go out, their Status and Results come back as new steps.</p>
      <div className="console-actions">
        <button className="primary" disabled={busy} onClick={() => void syncDevice()}>Sync device now</button>
        {busy && <span className="muted">syncing…</span>}
      </div>
      <Outcome section="sync" />
    </section>
  );
}

function ScimForm() {
  const [userName, setUserName] = useState('');
  const [emails, setEmails] = useState('');
  const busy = useLab((s) => s.consoleBusy === 'scim');
  return (
    <section className="console-section" aria-label="Create a SCIM user">
      <h3>Create a SCIM user</h3>
      <form
        className="scim-form"
        onSubmit={async (e) => {
          e.preventDefault();
          const list = emails.split(/[,\s]+/).filter(Boolean);
          if (await createScimUser(userName.trim(), list)) {
            setUserName('');
            setEmails('');
          }
        }}
      >
        <input aria-label="SCIM userName" placeholder="userName (e.g. bob@enrollscope.onmicrosoft.com)" value={userName} onChange={(e) => setUserName(e.target.value)} />
        <input aria-label="SCIM emails" placeholder="emails, comma-separated" value={emails} onChange={(e) => setEmails(e.target.value)} />
        <button type="submit" disabled={busy || !userName.trim()}>Create SCIM user</button>
      </form>
      <Outcome section="scim" />
    </section>
  );
}

const SETTINGS: ReadonlyArray<[keyof MdmSettingsView, string, string]> = [
  ['euaTokenEnabled', 'EUA token (Fleet ≥ #41381)', 'The MsiInstallJob carries EUA_TOKEN, so orbit enrolls without a second sign-in.'],
  ['endUserAuthEnabled', 'End-user authentication', 'Orbit must present the user (eua_token or SSO) before it may enroll.'],
  ['allowOrbitEndUserAuthBypass', 'Allow orbit end-user auth bypass', 'Agents without the end_user_auth capability may enroll anyway.'],
  ['windowsMdmEnabled', 'Windows MDM enabled', "Off: every Windows MDM route answers Fleet's 400."],
];

function SettingsForm() {
  const settings = useLab((s) => s.settings);
  const busy = useLab((s) => s.consoleBusy === 'settings');
  return (
    <section className="console-section" aria-label="MDM server settings">
      <h3>MDM server settings</h3>
      {!settings ? (
        <p className="muted">Loading…</p>
      ) : (
        <div className="settings">
          {SETTINGS.map(([k, label, help]) => {
            // null: a real Fleet keeps this in its server config or build, which no API shows or sets.
            const unknown = settings[k] === null;
            return (
              <label key={k} className="setting">
                <input type="checkbox" checked={settings[k] === true} disabled={busy || unknown} onChange={(e) => void updateMdmSetting({ [k]: e.target.checked })} />
                <span>
                  <strong>{label}</strong>
                  <span className="muted small">{unknown ? 'Not shown by this Fleet\'s API: it is the server\'s config or build.' : help}</span>
                </span>
              </label>
            );
          })}
        </div>
      )}
      <Outcome section="settings" />
    </section>
  );
}

/**
 * The user's other screen: a device code an outside client is polling for (RFC 8628 §3.3) and MFA pushes
 * (entra-mde2.md §5.5). Reloaded whenever a step arrives, since each poll or sign-in attempt is one.
 */
function SignInRequests() {
  const stepCount = useLab((s) => s.steps.length);
  const pending = useLab((s) => s.pending);
  const busy = useLab((s) => s.consoleBusy === 'signin');
  const [asUser, setAsUser] = useState<string>('');
  useEffect(() => {
    void loadPending();
  }, [stepCount]);
  const users = pending?.users ?? [];
  const upn = asUser || users.find((u) => !u.mfa)?.upn || users[0]?.upn || '';
  const empty = pending && pending.deviceCodes.length === 0 && pending.mfa.length === 0;
  return (
    <section className="console-section" aria-label="Sign-in requests">
      <h3>Sign-in requests</h3>
      <p className="muted small">Device codes waiting to be entered and MFA pushes waiting for an answer: here the lab is the user's phone and browser.</p>
      {empty && <p className="muted small">Nothing is waiting for the user.</p>}
      {pending?.deviceCodes.map((d) => (
        <div key={d.userCode} className="console-row" data-user-code={d.userCode}>
          <span>
            Device code <strong>{d.userCode}</strong> <span className="muted small">(expires {d.expiresAt.slice(11, 19)})</span>
          </span>
          <div className="console-actions">
            <select aria-label={`Sign in with code ${d.userCode} as`} value={upn} onChange={(e) => setAsUser(e.target.value)}>
              {users.map((u) => (
                <option key={u.upn} value={u.upn}>{u.upn}</option>
              ))}
            </select>
            <button disabled={busy || !upn} onClick={() => void answerDeviceCode(d.userCode, { upn })}>Enter code and sign in</button>
            <button disabled={busy} onClick={() => void answerDeviceCode(d.userCode, { deny: true })}>Decline</button>
          </div>
        </div>
      ))}
      {pending?.mfa.map((m) => (
        <div key={m.id} className="console-row" data-mfa-id={m.id}>
          <span>
            MFA push for <strong>{m.upn}</strong>: number <strong>{m.entropy}</strong>
          </span>
          <div className="console-actions">
            <button disabled={busy} onClick={() => void answerMfa(m.id, true)}>Approve</button>
            <button disabled={busy} onClick={() => void answerMfa(m.id, false)}>Deny</button>
          </div>
        </div>
      ))}
      <Outcome section="signin" />
    </section>
  );
}
