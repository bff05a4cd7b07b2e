/**
 * The wire model: the lab's record of one exchange, as the UI, the CLI and the bundles show it. Plain JSON-safe
 * data; the zod schemas here are the one definition, app/contract.ts re-exports them for the UI API.
 */
import { z } from 'zod';
import { STEP_KIND_IDS, type StepKindId } from '../protocols/steps.js';

/** Every party of the lab, plus `external` for clients outside it (curl, a real Windows VM). */
export const PARTY_IDS = ['user', 'device', 'tpm', 'entra', 'mdm', 'orbit', 'external'] as const;
export const PartyIdSchema = z.enum(PARTY_IDS);
export type PartyId = z.infer<typeof PartyIdSchema>;

/**
 * How the UI names and colours each party: one table for the host's LabState and the renderer's lanes, list and
 * inspector. `short` fits a lane head; `color` is the lane colour on the dark and on the light theme.
 */
export const PARTIES: Readonly<Record<PartyId, { label: string; short: string; color: { dark: string; light: string } }>> = {
  user: { label: 'User', short: 'User', color: { dark: '#f2a65a', light: '#b35c00' } },
  device: { label: 'Windows device', short: 'Device', color: { dark: '#6cc5f0', light: '#0b7fae' } },
  tpm: { label: 'TPM', short: 'TPM', color: { dark: '#b39ddb', light: '#6a4fb3' } },
  entra: { label: 'Entra ID', short: 'Entra', color: { dark: '#4f9cff', light: '#1f5fd1' } },
  mdm: { label: 'MDM server (Fleet)', short: 'MDM server', color: { dark: '#58d39b', light: '#17804f' } },
  orbit: { label: 'Orbit', short: 'Orbit', color: { dark: '#f07ab0', light: '#b8326f' } },
  external: { label: 'Outside client', short: 'Outside client', color: { dark: '#d7d77a', light: '#7a7a00' } },
};

const HeadersSchema = z.record(z.string(), z.string());

/** Bodies are text; a binary body (an MSI download) is kept as base64 with `bodyEncoding: 'base64'`. */
export const HttpRequestSchema = z.object({
  method: z.string().min(1).max(16),
  url: z.string().min(1).max(8192),
  headers: HeadersSchema,
  body: z.string().max(8 * 1024 * 1024),
  bodyEncoding: z.enum(['utf8', 'base64']).optional(),
});
export type HttpRequestRecord = z.infer<typeof HttpRequestSchema>;

export const HttpResponseSchema = z.object({
  status: z.number().int(),
  headers: HeadersSchema,
  body: z.string(),
  bodyEncoding: z.enum(['utf8', 'base64']).optional(),
});
export type HttpResponseRecord = z.infer<typeof HttpResponseSchema>;

/** One row written by a step, exactly as the party's SQLite triggers saw it. */
export const DbChangeSchema = z.object({
  party: PartyIdSchema,
  table: z.string(),
  op: z.enum(['insert', 'update', 'delete']),
  before: z.record(z.string(), z.unknown()).nullable(),
  after: z.record(z.string(), z.unknown()).nullable(),
});
export type DbChange = z.infer<typeof DbChangeSchema>;
export type ChangeOp = DbChange['op'];

/** A JWT/JWE found anywhere in a step's messages, decoded and checked against the lab's keys and clock. */
export const TokenViewSchema = z.object({
  where: z.string(),
  format: z.enum(['jws', 'jwe']),
  raw: z.string(),
  header: z.record(z.string(), z.unknown()),
  payload: z.record(z.string(), z.unknown()).nullable(),
  signature: z.object({
    verdict: z.enum(['valid', 'invalid', 'unknown-key', 'unsigned', 'encrypted']),
    key: z.string().optional(),
    detail: z.string().optional(),
  }),
  time: z.object({
    verdict: z.enum(['valid', 'expired', 'not-yet-valid', 'no-expiry']),
    checkedAt: z.number(),
    iat: z.number().optional(),
    nbf: z.number().optional(),
    exp: z.number().optional(),
  }),
});
export type TokenView = z.infer<typeof TokenViewSchema>;
export type SignatureVerdict = TokenView['signature']['verdict'];
export type TimeVerdict = TokenView['time']['verdict'];

/** A question put to the user (a sign-in, an MFA approval, orbit's SSO page). */
export const PromptSchema = z.object({
  kind: z.string(),
  /** How many times the user has been asked to authenticate in this run, this prompt included. */
  count: z.number().int(),
  text: z.string(),
});
export type PromptRecord = z.infer<typeof PromptSchema>;

/** A SyncML command as a list shows it: verb, CmdID, the first target LocURI and Data (Alert 1201). */
const SyncCommandSchema = z.object({ verb: z.string(), cmdId: z.string(), target: z.string().optional(), data: z.string().optional() });
const SyncStatusSchema = z.object({ cmdRef: z.string(), cmd: z.string(), code: z.string() });
const SyncMessageSchema = z.object({ sessionId: z.string(), msgId: z.string(), commands: z.array(SyncCommandSchema), statuses: z.array(SyncStatusSchema) });
export type SyncMessageFacts = z.infer<typeof SyncMessageSchema>;

/**
 * A step's protocol facts, decoded once by the recorder (STYLE.md "An exchange is a model, built once"):
 * breakpoints, filters, list badges and the outline read these instead of parsing bodies again. `error` is why
 * it failed, in the server's own words (a SOAP fault's subcode, an OAuth error, Fleet's message), or null.
 */
export const StepProtocolSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('soap'), action: z.string().nullable(), replyAction: z.string().nullable(), fault: z.boolean(), error: z.string().nullable() }),
  z.object({ kind: z.literal('syncml'), request: SyncMessageSchema.nullable(), reply: SyncMessageSchema.nullable(), error: z.string().nullable() }),
  z.object({ kind: z.literal('oauth'), grant: z.string().nullable(), error: z.string().nullable(), aadsts: z.array(z.number().int()) }),
  z.object({ kind: z.literal('json'), error: z.string().nullable() }),
  z.object({ kind: z.literal('http'), error: z.string().nullable() }),
  z.object({ kind: z.literal('local') }),
]);
export type StepProtocol = z.infer<typeof StepProtocolSchema>;

/** A catalog id (emulators/protocols/steps.ts). */
export const StepKindIdSchema = z.enum(STEP_KIND_IDS as [StepKindId, ...StepKindId[]]);

/** pending: opened, not yet at the gate; waiting: held at the gate; sent: on the wire; done / error: closed. */
export const StepStatusSchema = z.enum(['pending', 'waiting', 'sent', 'done', 'error']);
export type StepStatus = z.infer<typeof StepStatusSchema>;
export type StepKind = 'http' | 'local';

export const StepSchema = z.object({
  id: z.string(),
  index: z.number().int(),
  kind: z.enum(['http', 'local']),
  /** What kind of protocol step this is: its entry in the step catalog. */
  catalogId: StepKindIdSchema,
  from: PartyIdSchema,
  to: PartyIdSchema,
  title: z.string(),
  status: StepStatusSchema,
  /** Who recorded it: the lab client (`lab`) or the server that received it from outside. */
  observedBy: z.union([z.literal('lab'), PartyIdSchema]),
  protocol: StepProtocolSchema,
  request: HttpRequestSchema.optional(),
  /** The request as the client first built it, when the user edited it at the gate. */
  originalRequest: HttpRequestSchema.optional(),
  response: HttpResponseSchema.optional(),
  /** For local steps: what the operation took and gave (never private key material). */
  detail: z.record(z.string(), z.unknown()).optional(),
  error: z.string().optional(),
  prompt: PromptSchema.optional(),
  /** When the step was sent (after the gate), lab time (the clock the Tokens tab checks against). */
  startedAt: z.number(),
  /** The exchange (or the local operation) alone, from sent to closed; the wait at the gate is `heldMs`. */
  durationMs: z.number(),
  /** How long the step waited at the gate before it was sent (real ms); absent when it was not held. */
  heldMs: z.number().optional(),
  tokens: z.array(TokenViewSchema),
  changes: z.array(DbChangeSchema),
});
export type Step = z.infer<typeof StepSchema>;
