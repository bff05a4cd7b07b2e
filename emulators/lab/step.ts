/** The lab's record of one exchange: what the UI, the CLI and the bundles show. Plain data, JSON-safe. */

/** Every party of the lab, plus `external` for clients outside it (curl, a real Windows VM). */
export const PARTIES = ['user', 'device', 'tpm', 'entra', 'mdm', 'orbit', 'external'] as const;
export type PartyId = (typeof PARTIES)[number];

export type StepKind = 'http' | 'local';

/** pending: opened, not yet at the gate; waiting: held at the gate; sent: on the wire; done / error: closed. */
export type StepStatus = 'pending' | 'waiting' | 'sent' | 'done' | 'error';

/** Bodies are text; a binary body (an MSI download) is kept as base64 with `bodyEncoding: 'base64'`. */
export interface HttpRequestRecord {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  bodyEncoding?: 'utf8' | 'base64';
}

export interface HttpResponseRecord {
  status: number;
  headers: Record<string, string>;
  body: string;
  bodyEncoding?: 'utf8' | 'base64';
}

/** A specification section a step belongs to, shown on the Spec tab. */
export interface SpecRef {
  doc: string;
  section: string;
  title: string;
  url?: string;
}

export type ChangeOp = 'insert' | 'update' | 'delete';

/** One row written by a step, exactly as the party's SQLite triggers saw it. */
export interface DbChange {
  party: PartyId;
  table: string;
  op: ChangeOp;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

export type SignatureVerdict = 'valid' | 'invalid' | 'unknown-key' | 'unsigned' | 'encrypted';
export type TimeVerdict = 'valid' | 'expired' | 'not-yet-valid' | 'no-expiry';

/** A JWT/JWE found anywhere in a step's messages, decoded and checked against the lab's keys and clock. */
export interface TokenView {
  where: string;
  format: 'jws' | 'jwe';
  raw: string;
  header: Record<string, unknown>;
  payload: Record<string, unknown> | null;
  signature: { verdict: SignatureVerdict; key?: string; detail?: string };
  time: { verdict: TimeVerdict; checkedAt: number; iat?: number; nbf?: number; exp?: number };
}

/** A question put to the user (a sign-in, an MFA approval, orbit's SSO page). */
export interface PromptRecord {
  kind: string;
  /** How many times the user has been asked to authenticate in this run, this prompt included. */
  count: number;
  text: string;
}

export interface Step {
  id: string;
  index: number;
  kind: StepKind;
  from: PartyId;
  to: PartyId;
  title: string;
  status: StepStatus;
  /** Who recorded it: the lab client (`lab`) or the server that received it from outside. */
  observedBy: 'lab' | PartyId;
  spec?: SpecRef;
  request?: HttpRequestRecord;
  /** The request as the client first built it, when the user edited it at the gate. */
  originalRequest?: HttpRequestRecord;
  response?: HttpResponseRecord;
  /** For local steps: what the operation took and gave (never private key material). */
  detail?: Record<string, unknown>;
  error?: string;
  prompt?: PromptRecord;
  startedAt: number;
  durationMs: number;
  tokens: TokenView[];
  changes: DbChange[];
}
