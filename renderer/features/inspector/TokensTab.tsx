import { CopyButton } from '../common/CopyButton';
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import type { Step, TokenView } from '../../../app/contract';
import { useLab } from '../../store';
import { labNow } from '../../store/selectors/clock';
import { claimMeaning, claimValue, expiryAt, headerMeaning, sessionKeySigning, TIME_CLAIMS, type ExpiryVerdict } from '../../lib/claims';
import { duration, labDateTime } from '../../lib/format';
import { hasHit } from '../../lib/search';
import { tokenOrigin } from '../../store/selectors/history';
import { Highlight, useSearchWords } from './Highlight';
import { KerberosTickets } from './KerberosTickets';
import { kerberosOfBody } from '../../lib/kerberos';

const NO_WORDS: readonly string[] = [];

const SIG: Record<TokenView['signature']['verdict'], { text: string; tone: string }> = {
  valid: { text: 'signature valid', tone: 'ok' },
  invalid: { text: 'signature INVALID', tone: 'error' },
  'unknown-key': { text: 'signing key unknown to the lab', tone: 'warn' },
  unsigned: { text: 'unsigned (alg none)', tone: 'error' },
  encrypted: { text: 'encrypted (JWE)', tone: 'info' },
};

const EXP: Record<ExpiryVerdict, { text: string; tone: string }> = {
  valid: { text: 'not expired', tone: 'ok' },
  expired: { text: 'expired', tone: 'error' },
  'not-yet-valid': { text: 'not yet valid', tone: 'error' },
  'no-expiry': { text: 'no expiry', tone: 'info' },
};

/** Re-render once a second so verdicts against the running lab clock stay current. */
function useLabNow(): number | null {
  const clock = useLab((s) => s.clock);
  const [, tick] = useState(0);
  useEffect(() => {
    const t = setInterval(() => tick((n) => n + 1), 1000);
    return () => clearInterval(t);
  }, []);
  return labNow(clock, performance.now());
}

/** Every JWT/JWE in the step, decoded like jwt.io, with signature and expiry verdicts in lab time. */
export function TokensTab({ step }: { step: Step }) {
  const now = useLabNow();
  const words = useSearchWords();
  // Kerberos TGTs of a PRT reply (tgt=true): not JWTs, decoded from the response body.
  const kerberos = useMemo(() => kerberosOfBody(step.response?.body), [step.response?.body]);
  if (step.tokens.length === 0 && !kerberos) return <p className="muted">No tokens in this step.</p>;
  return (
    <div className="tokens">
      {step.tokens.map((t, i) => (
        <TokenCard key={i} token={t} now={now} words={words} origin={<TokenOriginLine step={step} raw={t.raw} />} />
      ))}
      {kerberos && <KerberosTickets view={kerberos} words={words} />}
    </div>
  );
}

/** Which step issued the token (its response first carried it), as a link that selects that step. */
function TokenOriginLine({ step, raw }: { step: Step; raw: string }) {
  const steps = useLab((s) => s.steps);
  const select = useLab((s) => s.select);
  const origin = useMemo(() => tokenOrigin(steps, raw, step.index), [steps, raw, step.index]);
  if (!origin) return null;
  const here = origin.step.index === step.index;
  const link = (
    <button type="button" className="link step-link" data-step-link={origin.step.index} onClick={() => select(origin.step.index)}>
      step #{origin.step.index + 1} {origin.step.title}
    </button>
  );
  return (
    <p className="token-origin small" data-origin={origin.issued ? 'issued' : 'sent'}>
      {origin.issued ? (here ? <>issued in this step ({origin.where})</> : <>issued at {link} ({origin.where})</>) : here ? <>first seen here ({origin.where}): no earlier response carried it</> : <>first sent at {link} ({origin.where}): no earlier response carried it</>}
    </p>
  );
}

export function TokenCard({ token, now, words = NO_WORDS, origin }: { token: TokenView; now: number | null; words?: readonly string[]; origin?: ReactNode }) {
  const sig = SIG[token.signature.verdict];
  const atStep = EXP[token.time.verdict];
  const nowVerdict = now === null || !token.payload ? null : expiryAt(token.payload, now);
  const [h, p, s] = token.raw.split('.');
  const sessionKey = token.format === 'jws' ? sessionKeySigning(token.header) : null;
  return (
    <article className="token-card" aria-label={`Token in ${token.where}`}>
      <header>
        <span className="badge">{token.format.toUpperCase()}</span>
        <strong className="where">{token.where}</strong>
        <CopyButton text={token.raw} label="Copy token" title="The compact token, to paste into jwt.io or a client" />
      </header>
      {origin}
      <div className="verdicts">
        <span className={`verdict tone-${sig.tone}`} data-verdict="signature" title={token.signature.detail ?? token.signature.key ?? ''}>
          {sig.text}
          {token.signature.key ? ` · key ${token.signature.key}` : ''}
        </span>
        <span className={`verdict tone-${atStep.tone}`} data-verdict="expiry" title={`checked at ${labDateTime(token.time.checkedAt)} (lab time of the step)`}>
          {atStep.text} at the step
        </span>
        {nowVerdict && (
          <span className={`verdict tone-${EXP[nowVerdict].tone}`} data-verdict="expiry-now" title="against the lab clock now">
            {EXP[nowVerdict].text} now
          </span>
        )}
      </div>
      {sessionKey && (
        <p className="small token-kdf" data-kdf={sessionKey.kdf}>
          {sessionKey.text}
        </p>
      )}
      {token.time.exp !== undefined && (
        <p className="muted small">
          {token.time.exp * 1000 > token.time.checkedAt ? `expires ${duration(token.time.exp * 1000 - token.time.checkedAt)} after the step` : `expired ${duration(token.time.checkedAt - token.time.exp * 1000)} before the step`}
          {' · '}exp {labDateTime(token.time.exp * 1000)}
        </p>
      )}
      <details className="raw-token">
        <summary>Encoded</summary>
        <p className="jwt-raw">
          <span className="jwt-h">{h}</span>.<span className="jwt-p">{p}</span>
          {token.format === 'jws' ? (
            <>
              .<span className="jwt-s">{s}</span>
            </>
          ) : (
            <span className="jwt-s">{token.raw.slice((h?.length ?? 0) + (p?.length ?? 0) + 1)}</span>
          )}
        </p>
      </details>
      <h4>Header</h4>
      <ClaimTable obj={token.header} meaning={headerMeaning} words={words} />
      <h4>Payload</h4>
      {token.payload ? <ClaimTable obj={token.payload} meaning={claimMeaning} checkedAt={token.time.checkedAt} words={words} /> : <p className="muted">Encrypted: the payload is readable only by the holder of the recipient key ({String(token.header.alg ?? '?')}, {String(token.header.enc ?? '?')}).</p>}
    </article>
  );
}

function ClaimTable({ obj, meaning, checkedAt, words }: { obj: Record<string, unknown>; meaning: (k: string) => string | undefined; checkedAt?: number; words: readonly string[] }) {
  return (
    <table className="claims">
      <tbody>
        {Object.entries(obj).map(([k, v]) => (
          <tr key={k} data-claim={k} className={hasHit(`${k} ${claimValue(k, v)}`, words) ? 'hit' : undefined}>
            <th>
              <Highlight text={k} words={words} />
            </th>
            <td>
              <code>
                <Highlight text={claimValue(k, v)} words={words} />
              </code>
              {checkedAt !== undefined && TIME_CLAIMS.has(k) && typeof v === 'number' && <span className="muted small"> ({v * 1000 >= checkedAt ? 'in ' : ''}{duration(Math.abs(v * 1000 - checkedAt))}{v * 1000 < checkedAt ? ' before the step' : ''})</span>}
            </td>
            <td className="meaning">{meaning(k) ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
