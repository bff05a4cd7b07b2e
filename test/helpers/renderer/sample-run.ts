import type { LabState, Step } from '../../../app/contract';
import { recordedStep } from '../step';

/** Six steps of a live run (token, SOAP enroll, a sign-in prompt, a refused and a held orbit enroll, an outside client), for selector tests. */
const base = { kind: 'http' as const, observedBy: 'lab' as const, startedAt: 0, durationMs: 1, tokens: [], changes: [] };
const http = (index: number, from: Step['from'], to: Step['to'], url: string, status: number | null, extra: Partial<Step> = {}): Step => recordedStep({
  ...base, id: `s${index}`, index, from, to, title: `step ${index}`, status: status === null ? 'waiting' : 'done',
  request: { method: 'POST', url, headers: {}, body: '' }, ...(status !== null && { response: { status, headers: {}, body: '' } }), ...extra,
});
export const sampleSteps: Step[] = [
  http(0, 'device', 'entra', 'http://e/oauth2/token', 200),
  http(1, 'device', 'mdm', 'http://m/api/mdm/microsoft/enroll', 200, { request: { method: 'POST', url: 'http://m/api/mdm/microsoft/enroll', headers: {}, body: '<s:Envelope xmlns:s="x" xmlns:a="y"><s:Header><a:Action>http://schemas.microsoft.com/windows/pki/2009/01/enrollment/RST/wstep</a:Action></s:Header></s:Envelope>' } }),
  recordedStep({ ...base, id: 's2', index: 2, kind: 'local', catalogId: 'oobe.signin-prompt', from: 'user', to: 'user', title: 'Sign in', status: 'done', prompt: { kind: 'password', count: 1, text: 'Sign in' } }),
  http(3, 'orbit', 'mdm', 'http://m/api/fleet/orbit/enroll', 401),
  http(4, 'external', 'mdm', 'http://m/EnrollmentServer/Discovery.svc', 200, { observedBy: 'mdm' }),
  http(5, 'orbit', 'mdm', 'http://m/api/fleet/orbit/enroll', null),
];
/** A live lab waiting at step 5 in step mode; `over` changes any field. */
export const sampleLab = (over: Partial<LabState> = {}): LabState => ({
  runId: 'run-1', source: 'live', scenario: 'autopilot-eua', options: {}, status: 'waiting', mode: 'step', waitingStepId: 's5', cursor: 4, head: 4, stepCount: 6,
  clock: { now: 0, offsetMs: 0, pinned: false }, prompts: 1, breakpoints: [], parties: [], expectations: [], error: null, ...over, seed: over.seed ?? null,
});
