import { z } from 'zod';
import {
  uiEvents, uiRoutes, type ApiRoute, type Breakpoint, type CompareProfilesRequest, type ControlRequest, type HttpRequest, type LabEvent, type MdmSettingsPatch, type RouteInput, type RouteReply, type RunBundle, type RunRequest,
} from '../../app/contract';
import { apiErrorText } from '../lib/api-error';

/** A refused API call: `status` and the host's own words (`reason`), for errors shown beside the form that caused them. */
export class ApiCallError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    where: string,
  ) {
    super(`${where}: ${status} ${reason}`);
  }
}

export interface ApiClientOptions {
  /** The per-launch UI token. */
  token: string;
  /** Default: the page's fetch. */
  fetch?: typeof fetch;
}

/** The path of a call: `:name` segments filled from `params`, then the query string. */
function pathOf(route: ApiRoute, input: { params?: Record<string, string>; query?: Record<string, unknown> }): string {
  const path = route.path.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(input.params?.[name] ?? ''));
  if (!input.query) return path;
  return `${path}?${new URLSearchParams(Object.entries(input.query).map(([k, v]) => [k, String(v)]))}`;
}

/**
 * The typed client of the host's UI API, built from the contract's routes table (`uiRoutes`): each call sends what
 * its route takes and checks the reply against the route's schema; a reply that does not match is an `ApiCallError`.
 */
export function createApiClient(opts: ApiClientOptions) {
  const { token } = opts;
  const doFetch = opts.fetch ?? ((...a: Parameters<typeof fetch>) => fetch(...a));

  async function call<R extends ApiRoute>(route: R, input: RouteInput<R>): Promise<RouteReply<R>> {
    const { body } = input as { body?: unknown };
    const path = pathOf(route, input as Parameters<typeof pathOf>[1]);
    const where = `${route.method} ${path}`;
    const res = await doFetch(path, {
      method: route.method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) {
      let msg = text;
      try {
        msg = apiErrorText(JSON.parse(text), text);
      } catch {
        /* plain text error */
      }
      throw new ApiCallError(res.status, msg, where);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ApiCallError(res.status, 'the reply is not JSON', where);
    }
    const parsed = route.reply.safeParse(json);
    if (!parsed.success) throw new ApiCallError(res.status, `the reply does not match the contract: ${z.prettifyError(parsed.error)}`, where);
    return parsed.data as RouteReply<R>;
  }

  const r = uiRoutes;
  return {
    state: () => call(r.state, {}),
    steps: () => call(r.steps, {}),
    scenarios: () => call(r.scenarios, {}),
    db: (step: number) => call(r.db, { query: { step } }),
    /** What Fleet's REST API answers after a step (the DB tab's Fleet view). */
    fleetView: (step: number) => call(r.fleetView, { query: { step } }),
    run: (req: RunRequest) => call(r.run, { body: req }),
    control: (action: ControlRequest['action'], edited?: HttpRequest) => call(r.control, { body: edited ? { action, edited } : { action } }),
    advanceClock: (ms: number) => call(r.advanceClock, { body: { ms } }),
    setBreakpoints: (breakpoints: Breakpoint[]) => call(r.setBreakpoints, { body: { breakpoints } }),
    clearBreakpoints: () => call(r.clearBreakpoints, {}),
    runs: () => call(r.runs, {}),
    runBundle: (runId: string) => call(r.runBundle, { params: { runId } }),
    compareRuns: (a: string, b: string) => call(r.compareRuns, { query: { a, b } }),
    compareBundles: (a: RunBundle, b: RunBundle) => call(r.compareBundles, { body: { a, b } }),
    fleetProfiles: () => call(r.fleetProfiles, {}),
    compareProfiles: (req: CompareProfilesRequest) => call(r.compareProfiles, { body: req }),
    open: (bundle: RunBundle) => call(r.open, { body: { bundle } }),
    closeSaved: () => call(r.closeSaved, {}),
    queueCommand: (raw: string) => call(r.queueCommand, { body: { raw } }),
    syncDevice: () => call(r.syncDevice, {}),
    createScimUser: (userName: string, emails: string[]) => call(r.createScimUser, { body: { userName, emails } }),
    mdmSettings: () => call(r.mdmSettings, {}),
    updateMdmSettings: (patch: MdmSettingsPatch) => call(r.updateMdmSettings, { body: patch }),
    entraPending: () => call(r.entraPending, {}),
    answerMfa: (id: string, approve: boolean) => call(r.answerMfa, { params: { id }, body: { approve } }),
    answerDeviceCode: (userCode: string, answer: { upn: string } | { deny: true }) => call(r.answerDeviceCode, { params: { userCode }, body: answer }),
    /** A download link (the browser fetches it, with the token in the URL). */
    exportUrl: (kind: 'json' | 'har', opts: { redact?: boolean; withoutKeys?: boolean } = {}) =>
      `${(kind === 'har' ? r.exportHar : r.export).path}?token=${encodeURIComponent(token)}${opts.redact ? '&redact=1' : ''}${opts.withoutKeys ? '&without_keys=1' : ''}`,
    /** The live timeline; an event that does not match the contract is dropped and reported to `onInvalid`. */
    events(onEvent: (ev: LabEvent) => void, onInvalid?: (e: ApiCallError) => void): () => void {
      const es = new EventSource(`${uiEvents.path}?token=${encodeURIComponent(token)}`);
      es.onmessage = (m) => {
        const parsed = uiEvents.event.safeParse(JSON.parse(m.data as string));
        if (parsed.success) onEvent(parsed.data);
        else onInvalid?.(new ApiCallError(200, `an event does not match the contract: ${z.prettifyError(parsed.error)}`, `${uiEvents.method} ${uiEvents.path}`));
      };
      return () => es.close();
    },
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;

/** The per-launch token comes from the page URL. */
const pageToken = () => (typeof location === 'undefined' ? '' : (new URLSearchParams(location.search).get('token') ?? ''));

/** The app's client. */
export const api: ApiClient = createApiClient({ token: pageToken() });
