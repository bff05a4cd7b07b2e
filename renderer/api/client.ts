import type {
  Breakpoint, CompareResult, ControlRequest, DbView, EntraPending, HttpRequest, LabEvent, LabState, MdmSettingsView, QueuedCommand, RunBundle, RunRequest, RunSummary, ScenarioInfo, Step,
} from '../../app/contract';
import { apiErrorText } from '../lib/api-error';

/** The typed client of the host's UI API (app/api/server.ts); the per-launch token comes from the page URL. */
const token = new URLSearchParams(location.search).get('token') ?? '';

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

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  if (!res.ok) {
    const text = await res.text();
    let msg = text;
    try {
      msg = apiErrorText(JSON.parse(text), text);
    } catch {
      /* plain text error */
    }
    throw new ApiCallError(res.status, msg, `${method} ${path}`);
  }
  return (await res.json()) as T;
}

export const api = {
  state: () => call<LabState>('GET', '/api/state'),
  steps: () => call<Step[]>('GET', '/api/steps'),
  scenarios: () => call<ScenarioInfo[]>('GET', '/api/scenarios'),
  db: (step: number) => call<DbView>('GET', `/api/db?step=${step}`),
  run: (req: RunRequest) => call<LabState>('POST', '/api/run', req),
  control: (action: ControlRequest['action'], edited?: HttpRequest) =>
    call<{ ok: boolean; state: LabState }>('POST', '/api/control', edited ? { action, edited } : { action }),
  advanceClock: (ms: number) => call<LabState>('POST', '/api/clock/advance', { ms }),
  setBreakpoints: (breakpoints: Breakpoint[]) => call<LabState>('PUT', '/api/breakpoints', { breakpoints }),
  runs: () => call<RunSummary[]>('GET', '/api/runs'),
  runBundle: (runId: string) => call<RunBundle>('GET', `/api/runs/${encodeURIComponent(runId)}`),
  compareRuns: (a: string, b: string) => call<CompareResult>('GET', `/api/compare?a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}`),
  compareBundles: (a: RunBundle, b: RunBundle) => call<CompareResult>('POST', '/api/compare', { a, b }),
  open: (bundle: RunBundle) => call<LabState>('POST', '/api/open', { bundle }),
  queueCommand: (raw: string) => call<QueuedCommand>('POST', '/api/mdm/commands', { raw }),
  syncDevice: () => call<LabState>('POST', '/api/device/sync'),
  createScimUser: (userName: string, emails: string[]) => call<{ ok: boolean }>('POST', '/api/mdm/scim-users', { userName, emails }),
  mdmSettings: () => call<MdmSettingsView>('GET', '/api/mdm/settings'),
  updateMdmSettings: (patch: Partial<MdmSettingsView>) => call<MdmSettingsView>('PUT', '/api/mdm/settings', patch),
  entraPending: () => call<EntraPending>('GET', '/api/entra/pending'),
  answerMfa: (id: string, approve: boolean) => call<EntraPending>('POST', `/api/entra/mfa/${encodeURIComponent(id)}`, { approve }),
  answerDeviceCode: (userCode: string, answer: { upn: string } | { deny: true }) =>
    call<EntraPending>('POST', `/api/entra/device-codes/${encodeURIComponent(userCode)}`, answer),
  exportUrl: (kind: 'json' | 'har') => `/api/export${kind === 'har' ? '.har' : ''}?token=${encodeURIComponent(token)}`,
  events(onEvent: (ev: LabEvent) => void): () => void {
    const es = new EventSource(`/api/events?token=${encodeURIComponent(token)}`);
    es.onmessage = (m) => onEvent(JSON.parse(m.data as string) as LabEvent);
    return () => es.close();
  },
};
