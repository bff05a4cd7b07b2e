/**
 * The one typed contract between the host and the UI: zod schemas for every message, and the types inferred from
 * them. The host validates what it receives with these; the renderer imports the types (`import type`) and the
 * runtime schemas it needs to check what it receives.
 */
import { z } from 'zod';
import { PartyIdSchema, HttpRequestSchema, StepSchema } from '../emulators/lab/step.js';

// The wire model of a step is the engine's own (emulators/lab/step.ts); the contract re-exports it, no second copy.
export {
  PartyIdSchema,
  PARTIES,
  HttpRequestSchema,
  HttpResponseSchema,
  DbChangeSchema,
  TokenViewSchema,
  StepProtocolSchema,
  StepSchema,
} from '../emulators/lab/step.js';
export type {
  PartyId as PartyIdT,
  HttpRequestRecord as HttpRequest,
  HttpResponseRecord as HttpResponse,
  DbChange,
  TokenView,
  StepProtocol,
  SyncMessageFacts,
  Step,
} from '../emulators/lab/step.js';
export type { SpecRef, StepKindId, PhaseId } from '../emulators/protocols/steps.js';

export { BreakpointSchema, type Breakpoint } from '../emulators/lab/breakpoints.js';
import { BreakpointSchema } from '../emulators/lab/breakpoints.js';
import { FLEET_PROFILE_NAMES, type FleetProfileName } from '../emulators/mdm/profiles/profiles.js';

/** A Fleet behaviour profile's name (emulators/mdm/profiles/profiles.ts). */
export const FleetProfileNameSchema = z.enum(FLEET_PROFILE_NAMES as [FleetProfileName, ...FleetProfileName[]]);

/** A profile as the UI's Fleet menu and `list --fleet` show it: its switches with their sources. */
export const FleetProfileInfoSchema = z.object({
  name: FleetProfileNameSchema,
  title: z.string(),
  source: z.string(),
  switches: z.array(z.object({ id: z.string(), title: z.string(), source: z.string(), detail: z.string(), on: z.boolean() })),
});
export type FleetProfileInfo = z.infer<typeof FleetProfileInfoSchema>;
export type { FleetProfileName };

/** The devices' TPM (emulators/device/tpm/backend.ts TpmChoice): swtpm/libtpms, the in-process one, or auto. */
export const TpmChoiceSchema = z.enum(['auto', 'swtpm', 'soft']);
export type TpmChoiceT = z.infer<typeof TpmChoiceSchema>;
/** The TPM the next run gets and whether this host can give swtpm (the picker disables it when not). */
export const TpmInfoSchema = z.object({
  /** The next run's choice: what the run before used (at first `ui --tpm`, default soft). */
  choice: TpmChoiceSchema,
  /** `swtpm --version` of the swtpm on this host's PATH; null: not installed. */
  swtpm: z.string().nullable(),
});
export type TpmInfo = z.infer<typeof TpmInfoSchema>;

/** A named scenario and the options a user may set before Run. */
export const ScenarioOptionSchema = z.object({
  name: z.string(),
  label: z.string(),
  kind: z.enum(['boolean', 'select', 'text']),
  choices: z.array(z.string()).optional(),
  default: z.union([z.string(), z.boolean()]),
});
export const ScenarioInfoSchema = z.object({
  name: z.string(),
  title: z.string(),
  description: z.string(),
  options: z.array(ScenarioOptionSchema),
  /** The Fleet profile the scenario runs under unless the run names one (absent: the session's). */
  fleet: FleetProfileNameSchema.optional(),
});
export type ScenarioInfo = z.infer<typeof ScenarioInfoSchema>;

export const PartyInfoSchema = z.object({ id: PartyIdSchema, label: z.string(), url: z.string().nullable() });
export type PartyInfo = z.infer<typeof PartyInfoSchema>;

/** `starting`: a Run or Reset is making a fresh world (1–2 s: keys, servers); nothing can be controlled meanwhile. */
export const RunStatusSchema = z.enum(['idle', 'starting', 'running', 'waiting', 'done', 'failed']);
export type RunStatus = z.infer<typeof RunStatusSchema>;

/** An expectation's verdict; `stepIndex` is the step that decides it (the extra prompt, the row's write), if one does. */
/** `skipped`: why no source of the run could check it (an external Fleet's API shows no such row); neither passed nor failed. */
export const ExpectationResultSchema = z.object({ name: z.string(), passed: z.boolean(), detail: z.string(), stepIndex: z.number().int().nullable().optional(), skipped: z.string().optional() });
export type ExpectationResult = z.infer<typeof ExpectationResultSchema>;

export const LabStateSchema = z.object({
  runId: z.string(),
  scenario: z.string().nullable(),
  options: z.record(z.string(), z.union([z.string(), z.boolean()])),
  /** The seed the run's world started with (null: unseeded, real time and random ids). */
  seed: z.string().nullable().default(null),
  /** The Fleet profile the run's MDM server behaves as (null: a saved run from before profiles). */
  fleet: FleetProfileNameSchema.nullable().optional(),
  status: RunStatusSchema,
  mode: z.enum(['run', 'step']),
  waitingStepId: z.string().nullable(),
  /** Index of the step whose world the DBs show now; head is the newest closed step. */
  cursor: z.number().int(),
  head: z.number().int(),
  stepCount: z.number().int(),
  clock: z.object({ now: z.number(), offsetMs: z.number(), pinned: z.boolean() }),
  prompts: z.number().int(),
  breakpoints: z.array(BreakpointSchema),
  parties: z.array(PartyInfoSchema),
  expectations: z.array(ExpectationResultSchema),
  error: z.string().nullable(),
  /** `live`: the run in this lab; `bundle`: a saved run opened for viewing (no gate, no clock). */
  source: z.enum(['live', 'bundle']).default('live'),
  /**
   * Rises with every state the session gives out: a reply to a call can arrive after a newer state from the event
   * stream, and the UI keeps the newer one (the header shows the lab as it is, not as it was when the call answered).
   */
  seq: z.number().int().optional(),
  /** The lab CA certificate file (PEM) outside clients must trust, while the live world serves HTTPS; absent otherwise. */
  caFile: z.string().optional(),
  /** The TPM choice of the next run and the host's swtpm (absent: a host from before the choice). */
  tpm: TpmInfoSchema.optional(),
});
export type LabState = z.infer<typeof LabStateSchema>;

/** Server-sent events on /api/events. */
export const LabEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('step'), step: StepSchema }),
  z.object({ type: z.literal('state'), state: LabStateSchema }),
  z.object({ type: z.literal('reset'), state: LabStateSchema }),
]);
export type LabEvent = z.infer<typeof LabEventSchema>;

// ---- requests the UI sends ----

export const RunRequestSchema = z.object({
  scenario: z.string().min(1).max(64),
  options: z.record(z.string(), z.union([z.string(), z.boolean()])).default({}),
  /** Start held at the first step (step mode) instead of running. */
  stepMode: z.boolean().default(false),
  /** Pin the lab clock and ids for this run (reproducible); default: the session's seed, usually none. */
  seed: z.string().min(1).max(64).nullable().optional(),
  /** Every party speaks HTTPS on the session's lab CA (its PEM in the session folder's tls/lab-ca.pem); default: what the run before used. */
  tls: z.boolean().optional(),
  /** The Fleet profile the MDM server behaves as; default: what the run before used (at first the newest). */
  fleet: FleetProfileNameSchema.optional(),
  /** The devices' TPM; default: what the run before used (at first the session's, `ui --tpm`). */
  tpm: TpmChoiceSchema.optional(),
});
export type RunRequest = z.input<typeof RunRequestSchema>;

export const ControlRequestSchema = z.object({
  action: z.enum(['step', 'back', 'continue', 'pause', 'reset']),
  /** With step/continue while a request waits at the gate: the edited request to send instead. */
  edited: HttpRequestSchema.optional(),
});
export type ControlRequest = z.infer<typeof ControlRequestSchema>;

export const ClockAdvanceSchema = z.object({ ms: z.number().int().positive().max(366 * 24 * 3600_000) });
export type ClockAdvance = z.infer<typeof ClockAdvanceSchema>;

export const BreakpointsRequestSchema = z.object({ breakpoints: z.array(BreakpointSchema).max(100) });

/** The rows of every party's DB as they were after a step (from the snapshots). */
export const DbViewSchema = z.object({
  stepIndex: z.number().int(),
  parties: z.record(z.string(), z.record(z.string(), z.array(z.record(z.string(), z.unknown())))),
});
export type DbView = z.infer<typeof DbViewSchema>;

/** A Fleet REST answer as JSON (its shape is Fleet's, emulators/mdm/api/host-view.ts). */
const FleetJsonSchema = z.record(z.string(), z.unknown());
/**
 * "What Fleet shows" after a step: Fleet's REST answers computed from that step's MDM rows (app/host/db-view.ts), or,
 * against an external Fleet, as its host API answered after the step (emulators/scenarios/fleet-api-views.ts).
 */
export const FleetViewSchema = z.object({
  stepIndex: z.number().int(),
  /** Read from an external Fleet's API at `url` after step `afterStep` (-1: nothing asked yet); absent: the embedded server's rows. */
  fetched: z.object({ url: z.string(), afterStep: z.number().int() }).optional(),
  hosts: z.array(
    z.object({
      id: z.number().int(),
      /** GET /api/v1/fleet/hosts/:id */
      getHost: FleetJsonSchema,
      /** The host in GET /api/v1/fleet/hosts?device_mapping=true (device_mapping null: no host_emails, #45066). */
      listEntry: FleetJsonSchema,
      /** GET /api/v1/fleet/hosts/:id/device_mapping */
      deviceMapping: FleetJsonSchema,
      /** GET /api/v1/fleet/hosts/:id/activities */
      activities: FleetJsonSchema,
    }),
  ),
  /** GET /api/v1/fleet/activities */
  activities: FleetJsonSchema,
});
export type FleetView = z.infer<typeof FleetViewSchema>;

/** A saved run: every step, the scenario and its outcome. */
export const RunBundleSchema = z.object({
  format: z.literal('enrollscope-run/1'),
  scenario: z.string().nullable(),
  seed: z.string().nullable(),
  /** The Fleet profile of the run (absent in bundles saved before profiles). */
  fleet: FleetProfileNameSchema.nullable().optional(),
  options: z.record(z.string(), z.union([z.string(), z.boolean()])),
  createdAt: z.string(),
  prompts: z.number().int(),
  passed: z.boolean().nullable(),
  expectations: z.array(ExpectationResultSchema),
  steps: z.array(StepSchema),
  /** Against an external Fleet: what its host API showed after each step sent to it (the DB tab's Fleet view). */
  fleetViews: z.array(FleetViewSchema).optional(),
  /** Every party's DB after every step, each distinct SQLite page once (base64), so an opened run has its DB tab. */
  snapshots: z
    .object({
      pages: z.record(z.string(), z.string()),
      images: z.record(z.string(), z.record(z.string(), z.object({ pageSize: z.number().int(), pages: z.array(z.string()), bytes: z.number().int() }))),
    })
    .optional(),
});
export type RunBundle = z.infer<typeof RunBundleSchema>;

/** A finished run of this session, for the compare picker (GET /api/runs). */
export const RunSummaryItemSchema = z.object({
  runId: z.string(),
  scenario: z.string().nullable(),
  prompts: z.number().int(),
  passed: z.boolean().nullable(),
  steps: z.number().int(),
  createdAt: z.string(),
  fleet: FleetProfileNameSchema.nullable().optional(),
});
export type RunSummary = z.infer<typeof RunSummaryItemSchema>;

/**
 * One line of a body diff (app/compare/diff.ts): `same`, `volatile` (the lines differ only in values minted per run,
 * shown with both texts but not counted), `removed` (in A, not in B) or `added` (in B, not in A). `a` / `b` are the
 * line as each run has it; a `same` line carries `a` only.
 */
export const DiffLineSchema = z.object({ op: z.enum(['same', 'volatile', 'removed', 'added']), a: z.string().optional(), b: z.string().optional() });
export type DiffLine = z.infer<typeof DiffLineSchema>;

/** Two bodies as canonical lines (JSON members sorted, XML element by element, forms field by field). */
export const BodyDiffSchema = z.object({
  language: z.enum(['json', 'xml', 'form', 'text', 'binary', 'none']),
  /** Lines removed plus lines added: the structural difference. */
  changed: z.number().int(),
  /** Lines whose values differ but are volatile. */
  volatile: z.number().int(),
  /** Every line when anything differs; empty when the bodies are identical. */
  lines: z.array(DiffLineSchema),
});
export type BodyDiff = z.infer<typeof BodyDiffSchema>;

/** One named value (a header, a claim, a DB column) that differs; null where a run has none. */
export const FieldDiffSchema = z.object({ name: z.string(), a: z.string().nullable(), b: z.string().nullable(), volatile: z.boolean() });
export type FieldDiff = z.infer<typeof FieldDiffSchema>;

const PairKindSchema = z.enum(['same', 'changed', 'only-a', 'only-b']);

export const MessageDiffSchema = z.object({ headers: z.array(FieldDiffSchema), body: BodyDiffSchema });
export type MessageDiff = z.infer<typeof MessageDiffSchema>;

/** The tokens of the two steps paired by where they were found, in order; `claims` are the claims that differ. */
export const TokenDiffSchema = z.object({ where: z.string(), label: z.string(), kind: PairKindSchema, a: z.number().int().nullable(), b: z.number().int().nullable(), claims: z.array(FieldDiffSchema) });
export type TokenDiff = z.infer<typeof TokenDiffSchema>;

/** The rows the two steps wrote, paired by party, table and operation, in order; `columns` are the values that differ. */
export const DbChangeDiffSchema = z.object({ party: z.string(), table: z.string(), op: z.enum(['insert', 'update', 'delete']), kind: PairKindSchema, columns: z.array(FieldDiffSchema) });
export type DbChangeDiff = z.infer<typeof DbChangeDiffSchema>;

/** What differs between the two steps of a pair. `detail` is a local step's operation record, as JSON lines. */
export const PairDiffSchema = z.object({
  request: MessageDiffSchema.nullable(),
  response: MessageDiffSchema.nullable(),
  detail: BodyDiffSchema.nullable(),
  tokens: z.array(TokenDiffSchema),
  db: z.array(DbChangeDiffSchema),
});
export type PairDiff = z.infer<typeof PairDiffSchema>;

/**
 * Two runs aligned step by step (app/compare/align.ts): steps pair by catalog id, parties, method, path and SOAP
 * action, repeats in order. Indexes point into each bundle's steps; `pair` is null on a gap.
 */
export const CompareRowSchema = z.object({
  kind: PairKindSchema,
  a: z.number().int().nullable(),
  b: z.number().int().nullable(),
  catalogId: z.string(),
  /** What the steps were paired on: `catalogId from>to METHOD path action`. */
  key: z.string(),
  /** One line per difference, most telling first (`status 200 → 401`, `request body: − "eua_token": …`). */
  differences: z.array(z.string()),
  pair: PairDiffSchema.nullable(),
});
export type CompareRow = z.infer<typeof CompareRowSchema>;

const RunSummarySchema = z.object({ scenario: z.string().nullable(), seed: z.string().nullable(), fleet: FleetProfileNameSchema.nullable().optional(), prompts: z.number().int(), passed: z.boolean().nullable(), steps: z.number().int() });
export const CompareResultSchema = z.object({
  a: RunSummarySchema,
  b: RunSummarySchema,
  summary: z.object({ same: z.number().int(), changed: z.number().int(), onlyA: z.number().int(), onlyB: z.number().int() }),
  /** The first row that is not `same`, and its first differing line; null when the runs match. */
  firstDivergence: z.object({ row: z.number().int(), kind: PairKindSchema, catalogId: z.string(), a: z.number().int().nullable(), b: z.number().int().nullable(), line: z.string() }).nullable(),
  rows: z.array(CompareRowSchema),
});
export type CompareResult = z.infer<typeof CompareResultSchema>;

export const CompareRequestSchema = z.object({ a: RunBundleSchema, b: RunBundleSchema });

/** "Profile A vs B on the same scenario": run it under each (in this session, A then B), then compare the two runs. */
export const CompareProfilesRequestSchema = z.object({
  scenario: z.string().min(1).max(64),
  options: z.record(z.string(), z.union([z.string(), z.boolean()])).default({}),
  a: FleetProfileNameSchema,
  b: FleetProfileNameSchema,
  seed: z.string().min(1).max(64).nullable().optional(),
});
export type CompareProfilesRequest = z.input<typeof CompareProfilesRequestSchema>;
/** The two runs made (their ids in GET /api/runs) and their comparison. */
export const CompareProfilesReplySchema = z.object({ a: z.string(), b: z.string(), result: CompareResultSchema });
export type CompareProfilesReply = z.infer<typeof CompareProfilesReplySchema>;

// ---- the trainer's console: talk to the MDM server and the run's device after (or between) runs ----

/** Queue any SyncML command for the run's device (windows_mdm_commands), e.g. a Get of ./DevDetail/SwV. */
export const QueueCommandRequestSchema = z.object({ raw: z.string().min(1).max(64 * 1024) });
export const QueuedCommandSchema = z.object({ commandUuid: z.string(), targetLocUri: z.string(), deviceId: z.string() });
export type QueuedCommand = z.infer<typeof QueuedCommandSchema>;

export const ScimUserRequestSchema = z.object({ userName: z.string().min(1).max(255), emails: z.array(z.email()).max(10).default([]) });

/** The MDM server settings a user may flip (emulators/mdm/settings.ts). */
/** The switches Fleet keeps in its server config or build, not its API: null against a Fleet without the lab's API. */
export const MdmSettingsViewSchema = z.object({
  euaTokenEnabled: z.boolean().nullable(),
  endUserAuthEnabled: z.boolean(),
  allowOrbitEndUserAuthBypass: z.boolean().nullable(),
  windowsMdmEnabled: z.boolean(),
});
export type MdmSettingsView = z.infer<typeof MdmSettingsViewSchema>;
export const MdmSettingsPatchSchema = z.object({ euaTokenEnabled: z.boolean(), endUserAuthEnabled: z.boolean(), allowOrbitEndUserAuthBypass: z.boolean(), windowsMdmEnabled: z.boolean() }).partial();
export type MdmSettingsPatch = z.infer<typeof MdmSettingsPatchSchema>;

/** What waits for the user at Entra: device codes to enter, MFA pushes to answer (the lab is their phone). */
export const EntraPendingSchema = z.object({
  deviceCodes: z.array(z.object({ userCode: z.string(), clientId: z.string(), expiresAt: z.string() })),
  mfa: z.array(z.object({ id: z.string(), upn: z.string(), entropy: z.number() })),
  users: z.array(z.object({ upn: z.string(), mfa: z.boolean() })),
});
export type EntraPending = z.infer<typeof EntraPendingSchema>;
export const MfaAnswerSchema = z.object({ approve: z.boolean() });
export const DeviceCodeAnswerSchema = z.object({ upn: z.string().min(1).optional(), deny: z.boolean().optional() });

export const OpenBundleRequestSchema = z.object({ bundle: RunBundleSchema });

export const ApiErrorSchema = z.object({ error: z.string(), detail: z.unknown().optional() });
export type ApiError = z.infer<typeof ApiErrorSchema>;

// ---- the UI API, call by call: app/api/server.ts registers its handlers from this table, renderer/api/client.ts
// calls through it and checks each reply against `reply` ----

/** `ok` once the SCIM user exists (POST /api/mdm/scim-users answers after the work, with what it made). */
export const ScimUserCreatedSchema = z.object({ ok: z.literal(true), id: z.number().int(), userName: z.string() });
export type ScimUserCreated = z.infer<typeof ScimUserCreatedSchema>;

export const ControlReplySchema = z.object({ ok: z.boolean(), state: LabStateSchema });
export type ControlReply = z.infer<typeof ControlReplySchema>;

/** A HAR 1.2 document (app/api/har.ts): only its outline is part of the contract. */
export const HarSchema = z.object({ log: z.object({ version: z.literal('1.2'), creator: z.object({ name: z.string(), version: z.string() }), entries: z.array(z.unknown()) }) });

/**
 * One UI API call: HTTP method, fastify-style path (`:name` segments are `params`), the query string, the JSON
 * body (`null`: none) and the JSON reply. Errors answer with `ApiErrorSchema` (400 bad input, 404, 409 not now).
 */
export interface ApiRoute {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  params?: z.ZodType<Record<string, string>>;
  query?: z.ZodType;
  body: z.ZodType | null;
  reply: z.ZodType;
}

const apiRoute = <const R extends ApiRoute>(r: R): R => r;

export const uiRoutes = {
  state: apiRoute({ method: 'GET', path: '/api/state', body: null, reply: LabStateSchema }),
  steps: apiRoute({ method: 'GET', path: '/api/steps', body: null, reply: z.array(StepSchema) }),
  scenarios: apiRoute({ method: 'GET', path: '/api/scenarios', body: null, reply: z.array(ScenarioInfoSchema) }),
  db: apiRoute({ method: 'GET', path: '/api/db', query: z.object({ step: z.coerce.number().int().min(-1) }), body: null, reply: DbViewSchema }),
  /** Download: the run on screen as a bundle file, with its DB snapshots. */
  export: apiRoute({ method: 'GET', path: '/api/export', query: z.object({ redact: z.enum(['0', '1']).optional(), without_keys: z.enum(['0', '1']).optional() }), body: null, reply: RunBundleSchema }),
  /** Download: the run on screen as HAR. */
  exportHar: apiRoute({ method: 'GET', path: '/api/export.har', body: null, reply: HarSchema }),
  /** Open a saved run (a bundle file the user picked) in front of the live one; the live run keeps going behind it. */
  open: apiRoute({ method: 'POST', path: '/api/open', body: OpenBundleRequestSchema, reply: LabStateSchema }),
  /** Close the saved run: the live run comes back as it is (its steps are sent again on the event stream). */
  closeSaved: apiRoute({ method: 'POST', path: '/api/open/close', body: null, reply: LabStateSchema }),
  runs: apiRoute({ method: 'GET', path: '/api/runs', body: null, reply: z.array(RunSummaryItemSchema) }),
  /** One run's bundle without snapshots (`current` is the run on screen). */
  runBundle: apiRoute({ method: 'GET', path: '/api/runs/:runId', params: z.object({ runId: z.string().min(1) }), body: null, reply: RunBundleSchema }),
  /** Compare two runs of this session by id (`current` is the run on screen). */
  compareRuns: apiRoute({ method: 'GET', path: '/api/compare', query: z.object({ a: z.string().min(1), b: z.string().min(1) }), body: null, reply: CompareResultSchema }),
  /** Compare two saved bundles (files the user opened). */
  compareBundles: apiRoute({ method: 'POST', path: '/api/compare', body: CompareRequestSchema, reply: CompareResultSchema }),
  /** The Fleet profiles and their behaviour switches (the Fleet menu; `list --fleet`). */
  fleetProfiles: apiRoute({ method: 'GET', path: '/api/fleet-profiles', body: null, reply: z.array(FleetProfileInfoSchema) }),
  /** Run one scenario under two Fleet profiles, one after the other, and compare the runs. */
  compareProfiles: apiRoute({ method: 'POST', path: '/api/compare/profiles', body: CompareProfilesRequestSchema, reply: CompareProfilesReplySchema }),
  queueCommand: apiRoute({ method: 'POST', path: '/api/mdm/commands', body: QueueCommandRequestSchema, reply: QueuedCommandSchema }),
  syncDevice: apiRoute({ method: 'POST', path: '/api/device/sync', body: null, reply: LabStateSchema }),
  createScimUser: apiRoute({ method: 'POST', path: '/api/mdm/scim-users', body: ScimUserRequestSchema, reply: ScimUserCreatedSchema }),
  mdmSettings: apiRoute({ method: 'GET', path: '/api/mdm/settings', body: null, reply: MdmSettingsViewSchema }),
  updateMdmSettings: apiRoute({ method: 'PUT', path: '/api/mdm/settings', body: MdmSettingsPatchSchema, reply: MdmSettingsViewSchema }),
  entraPending: apiRoute({ method: 'GET', path: '/api/entra/pending', body: null, reply: EntraPendingSchema }),
  answerMfa: apiRoute({ method: 'POST', path: '/api/entra/mfa/:id', params: z.object({ id: z.string().min(1) }), body: MfaAnswerSchema, reply: EntraPendingSchema }),
  answerDeviceCode: apiRoute({ method: 'POST', path: '/api/entra/device-codes/:userCode', params: z.object({ userCode: z.string().min(1) }), body: DeviceCodeAnswerSchema, reply: EntraPendingSchema }),
  run: apiRoute({ method: 'POST', path: '/api/run', body: RunRequestSchema, reply: LabStateSchema }),
  control: apiRoute({ method: 'POST', path: '/api/control', body: ControlRequestSchema, reply: ControlReplySchema }),
  advanceClock: apiRoute({ method: 'POST', path: '/api/clock/advance', body: ClockAdvanceSchema, reply: LabStateSchema }),
  setBreakpoints: apiRoute({ method: 'PUT', path: '/api/breakpoints', body: BreakpointsRequestSchema, reply: LabStateSchema }),
  /** Remove every breakpoint (Reset and Run keep them). */
  clearBreakpoints: apiRoute({ method: 'POST', path: '/api/breakpoints/clear', body: null, reply: LabStateSchema }),
  /** What Fleet's REST API would answer after a step (hosts, device_mapping, activities), from that step's snapshot. */
  fleetView: apiRoute({ method: 'GET', path: '/api/fleet-view', query: z.object({ step: z.coerce.number().int().min(-1) }), body: null, reply: FleetViewSchema }),
} as const;
export type UiRoutes = typeof uiRoutes;
export type UiRouteName = keyof UiRoutes;

/** The live timeline: server-sent events, one `LabEvent` per message. */
export const uiEvents = { method: 'GET', path: '/api/events', event: LabEventSchema } as const;

/** What a call sends (as the client writes it: `z.input`) and what a handler receives (parsed: `z.output`). */
type Part<R, K extends 'params' | 'query' | 'body', Side extends 'in' | 'out'> = R extends { [P in K]: infer S extends z.ZodType }
  ? { [P in K]: Side extends 'in' ? z.input<S> : z.output<S> }
  : { [P in K]?: undefined };
export type RouteInput<R extends ApiRoute> = Part<R, 'params', 'in'> & Part<R, 'query', 'in'> & Part<R, 'body', 'in'>;
export type RouteArgs<R extends ApiRoute> = Part<R, 'params', 'out'> & Part<R, 'query', 'out'> & Part<R, 'body', 'out'>;
export type RouteReply<R extends ApiRoute> = z.output<R['reply']>;
