import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/**
 * The step a piece of work belongs to. A server handling a request runs inside the step the request belongs to,
 * so that the rows its transaction writes are attributed to that step.
 */
export interface StepContext {
  stepId: string;
}

const storage = new AsyncLocalStorage<StepContext>();

export function currentStep(): StepContext | undefined {
  return storage.getStore();
}

export function runInStep<T>(ctx: StepContext, fn: () => T): T {
  return storage.run(ctx, fn);
}

/** The header by which the lab client tells a server which step a request belongs to; never recorded. */
export const STEP_HEADER = 'x-enrollscope-step';

/**
 * The STEP_HEADER value by which an in-process admin client (FleetClient) says "not a protocol step": the server
 * records no step for the request and its writes belong to no step, as an in-process admin call's. Random per process,
 * so an outside client (curl, a VM) cannot hide its requests from the timeline.
 */
export const UNRECORDED_ADMIN = `admin-${randomUUID()}`;
