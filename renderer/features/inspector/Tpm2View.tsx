import type { Step } from '../../../app/contract';
import type { Tpm2Detail } from '../../lib/tpm2-detail';
import { hexDump } from '../../lib/tpm2-detail';
import { CodeView } from '../code/CodeView';
import { CopyButton } from '../common/CopyButton';

function Rows({ label, rows }: { label: string; rows: Record<string, string> }) {
  const entries = Object.entries(rows);
  if (entries.length === 0) return null;
  return (
    <table className="kv" aria-label={label}>
      <tbody>
        {entries.map(([k, v]) => (
          <tr key={k}>
            <th>{k}</th>
            <td>{v}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Bytes({ label, hex }: { label: string; hex: string }) {
  return (
    <>
      <h4 className="tpm2-h">
        {label} <span className="muted">· {hex.length / 2} bytes, secrets zeroed</span> <CopyButton text={hex} label="Copy hex" title="The bytes as one hex string" />
      </h4>
      <CodeView label={label} value={hexDump(hex)} language="binary" testId={label === 'Command bytes' ? 'tpm2-command-bytes' : 'tpm2-response-bytes'} />
    </>
  );
}

/** The response code as the TPM gave it (Part 2 §6.6): its name, hex and, for format-one codes, the parameter, handle or session at fault. */
export function Tpm2Rc({ step, d }: { step: Step; d: Tpm2Detail }) {
  const rc = d.response?.responseCode;
  if (rc) return <strong className={`tone-${rc.name === 'TPM_RC_SUCCESS' ? 'ok' : 'error'}`} data-testid="tpm2-rc" data-rc={rc.name}>{rc.text} ({rc.hex})</strong>;
  // A refused command has no decoded response in the detail: the step's error names the code (swtpm-tpm.ts TpmError).
  if (step.error) return <strong className="tone-error" data-testid="tpm2-rc">{step.error}</strong>;
  return <span className="muted">no response yet</span>;
}

/** A TPM 2.0 command as the device sent it to swtpm: command code, tag, handles, sessions, parameters, raw bytes. */
export function Tpm2Command({ step, d }: { step: Step; d: Tpm2Detail }) {
  return (
    <div className="tpm2" data-testid="tpm2-command">
      <p className="req-line">
        <strong>{step.title}</strong> <code>{d.commandCode}</code> <span className="muted">· {d.tag}</span> → <Tpm2Rc step={step} d={d} />
      </p>
      {d.spec && <p className="muted small">{d.spec}</p>}
      <h4 className="tpm2-h">Handles</h4>
      {Object.keys(d.handles).length ? <Rows label="Command handles" rows={d.handles} /> : <p className="muted small">none</p>}
      <h4 className="tpm2-h">Sessions</h4>
      {d.sessions.length ? (
        <table className="kv" aria-label="Authorization sessions">
          <thead>
            <tr>
              <th>handle</th>
              <th>attributes</th>
              <th>nonce</th>
              <th>hmac</th>
            </tr>
          </thead>
          <tbody>
            {d.sessions.map((s, i) => (
              <tr key={i}>
                <td>{s.handle}</td>
                <td>{s.attributes}</td>
                <td>{s.nonceBytes} bytes</td>
                <td>{s.hmac}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted small">none ({d.tag})</p>
      )}
      <h4 className="tpm2-h">Parameters</h4>
      <CodeView label="Command parameters" value={JSON.stringify(d.parameters, null, 2)} language="json" />
      {d.rawParameters && <p className="muted small">Not decoded: <code>{d.rawParameters}</code></p>}
      <Bytes label="Command bytes" hex={d.commandBytes} />
    </div>
  );
}

/** The TPM's answer: the response code decoded, response handles and parameters, raw bytes. */
export function Tpm2Response({ step, d }: { step: Step; d: Tpm2Detail }) {
  const r = d.response;
  return (
    <div className="tpm2" data-testid="tpm2-response">
      <p className="req-line">
        <Tpm2Rc step={step} d={d} /> <span className="muted">· {Math.round(step.durationMs)} ms</span>
      </p>
      {r && (
        <>
          {Object.keys(r.handles).length > 0 && (
            <>
              <h4 className="tpm2-h">Handles</h4>
              <Rows label="Response handles" rows={r.handles} />
            </>
          )}
          <h4 className="tpm2-h">Parameters</h4>
          <CodeView label="Response parameters" value={JSON.stringify(r.parameters, null, 2)} language="json" />
        </>
      )}
      {d.responseBytes && <Bytes label="Response bytes" hex={d.responseBytes} />}
    </div>
  );
}
