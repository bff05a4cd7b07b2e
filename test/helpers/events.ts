import { EventEmitter, once } from 'node:events';
import type { Gate } from '../../emulators/lab/gate.js';
import type { Step } from '../../emulators/lab/step.js';

/**
 * Waiting for what happened instead of sleeping: tests wait for the event that proves a state (the gate holding a
 * step, a stream catching up), then assert on it. A check that "nothing happened yet" waits for the hold first.
 */

/** The step the gate holds: at once if one already waits, else when the gate emits 'held'. */
export async function untilHeld(gate: Gate): Promise<Step> {
  if (gate.waiting) return gate.waiting;
  const [step] = (await once(gate, 'held')) as [Step];
  return step;
}

/** Resolves once `predicate()` holds: checked now, then after each `event` the emitter emits. */
export function until(predicate: () => boolean, emitter: EventEmitter, event: string): Promise<void> {
  if (predicate()) return Promise.resolve();
  return new Promise((resolve) => {
    const check = () => {
      if (!predicate()) return;
      emitter.off(event, check);
      resolve();
    };
    emitter.on(event, check);
  });
}
