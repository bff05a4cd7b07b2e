import type { ReactNode } from 'react';
import { CopyButton } from '../common/CopyButton';
import { etypeName, type AsRepView, type KerberosView, type KrbEncPart, type KrbName, type TgtView } from '../../lib/kerberos';
import { hasHit } from '../../lib/search';
import { Highlight } from './Highlight';

/** What each field of a TGT JSON means (shown under the field name: the value gets the width) (libhimmelblau `TGT`, entra-mde2.md §6.3). */
const TGT_FIELDS: Readonly<Record<string, string>> = {
  clientKey: 'The key that opens the AS-REP enc-part, as a JWE under the PRT session key',
  keyType: 'Encryption type of clientKey',
  error: 'Why Entra could not issue this TGT',
  messageBuffer: 'The KRB-AS-REP, base64 DER (decoded below)',
  realm: 'Kerberos realm of the TGT',
  sn: 'Service name: the realm’s ticket-granting service',
  cn: 'Client name the ticket is for',
  sessionKeyType: 'Encryption type of the TGT session key inside the enc-part',
  accountType: 'Kind of account (cloud or on-premises)',
};

const FIELD_TITLE: Record<TgtView['field'], string> = {
  tgt_cloud: 'Cloud TGT (Microsoft Entra Kerberos)',
  tgt_ad: 'On-premises partial TGT (Cloud Kerberos Trust)',
};

function Row({ k, v, meaning, words }: { k: string; v: string; meaning?: ReactNode; words: readonly string[] }) {
  return (
    <tr data-field={k} className={hasHit(`${k} ${v}`, words) ? 'hit' : undefined}>
      <th>
        <Highlight text={k} words={words} />
        {meaning && <span className="meaning">{meaning}</span>}
      </th>
      <td>
        <code>
          <Highlight text={v} words={words} />
        </code>
      </td>
    </tr>
  );
}

const nameText = (n: KrbName) => `${n.text} (${n.typeName})`;
const encText = (e: KrbEncPart) => `etype ${e.etype} ${e.etypeName}${e.kvno === null ? '' : ` · kvno ${e.kvno}`} · ${e.cipherBytes} bytes`;

function JsonValue(k: string, v: unknown): string {
  if (k === 'messageBuffer' && typeof v === 'string') return `${v.slice(0, 48)}… (${v.length} base64 characters)`;
  if ((k === 'keyType' || k === 'sessionKeyType') && typeof v === 'number') return `${v} (${etypeName(v)})`;
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

function AsRepTable({ rep, words }: { rep: AsRepView; words: readonly string[] }) {
  return (
    <table className="claims" data-testid="as-rep">
      <tbody>
        <Row k="pvno" v={String(rep.pvno)} meaning="Protocol version (5)" words={words} />
        <Row k="msg-type" v={`${rep.msgType} ${rep.msgTypeName}`} meaning="The reply to an authentication-service request" words={words} />
        <Row k="crealm" v={rep.crealm} meaning="The client's realm" words={words} />
        <Row k="cname" v={nameText(rep.cname)} meaning="The client principal" words={words} />
        <Row k="ticket.realm" v={rep.ticket.realm} meaning="Realm of the ticket's service" words={words} />
        <Row k="ticket.sname" v={nameText(rep.ticket.sname)} meaning="krbtgt/REALM: a ticket-granting ticket" words={words} />
        <Row k="ticket.enc-part" v={encText(rep.ticket.encPart)} meaning="EncTicketPart, sealed with the KDC's krbtgt key (key usage 2): only the KDC reads it" words={words} />
        <Row k="enc-part" v={encText(rep.encPart)} meaning="EncASRepPart (session key, times, flags), sealed with clientKey (key usage 3)" words={words} />
        {rep.padataTypes.length > 0 && <Row k="padata" v={rep.padataTypes.join(', ')} meaning="Pre-authentication data types" words={words} />}
      </tbody>
    </table>
  );
}

function TgtCard({ tgt, words }: { tgt: TgtView; words: readonly string[] }) {
  const buffer = typeof tgt.json.messageBuffer === 'string' ? tgt.json.messageBuffer : '';
  return (
    <article className="token-card krb-card" aria-label={`Kerberos TGT in ${tgt.field}`} data-krb={tgt.field}>
      <header>
        <span className="badge">KRB-AS-REP</span>
        <strong className="where">response {tgt.field}</strong>
        <span className="muted small">{FIELD_TITLE[tgt.field]}</span>
        {buffer && <CopyButton text={buffer} label="Copy messageBuffer" title="The base64 DER KRB-AS-REP, to decode with another Kerberos tool" />}
      </header>
      {tgt.problem && (
        <p className="error-text" data-krb-problem="">
          {tgt.problem}
        </p>
      )}
      <h4>TGT (JSON string)</h4>
      <table className="claims" data-testid="tgt-json">
        <tbody>
          {Object.entries(tgt.json).map(([k, v]) => (
            <Row key={k} k={k} v={JsonValue(k, v)} meaning={TGT_FIELDS[k]} words={words} />
          ))}
          {tgt.clientKeyHeader && <Row k="clientKey header" v={JSON.stringify(tgt.clientKeyHeader)} meaning="alg dir + ctx: decrypt with KDFv1(session key, ctx) (MS-OAPXBC)" words={words} />}
        </tbody>
      </table>
      {tgt.asRep && (
        <>
          <h4>KRB-AS-REP (RFC 4120 §5.4.2) · {tgt.asRep.bytes} bytes DER</h4>
          <AsRepTable rep={tgt.asRep} words={words} />
        </>
      )}
    </article>
  );
}

/** The Kerberos part of a PRT reply: each TGT decoded, and the host suffixes mapped to the cloud realm. */
export function KerberosTickets({ view, words }: { view: KerberosView; words: readonly string[] }) {
  return (
    <section className="krb" aria-label="Kerberos tickets">
      {view.tgts.map((t) => (
        <TgtCard key={t.field} tgt={t} words={words} />
      ))}
      {view.topLevelNames && (
        <article className="token-card krb-card" aria-label="kerberos_top_level_names" data-krb="kerberos_top_level_names">
          <header>
            <span className="badge">KERBEROS</span>
            <strong className="where">response kerberos_top_level_names</strong>
          </header>
          <p className="muted small">Host suffixes whose services take tickets of the cloud realm (Azure Files, Azure SQL).</p>
          <ul className="krb-names">
            {view.topLevelNames.map((n) => (
              <li key={n}>
                <code>
                  <Highlight text={n} words={words} />
                </code>
              </li>
            ))}
          </ul>
        </article>
      )}
    </section>
  );
}
