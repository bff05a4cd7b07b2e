import { EventEmitter } from 'node:events';
import type { HttpRequestRecord, Step } from './step.js';
import { matches, type Breakpoint } from './breakpoints.js';

export type GateMode = 'run' | 'step';

export interface GateRelease {
  /** The request to send instead of the one the client built (http steps only). */
  edited?: HttpRequestRecord;
}

interface Held {
  step: Step;
  resolve: (r: GateRelease) => void;
}

/**
 * The gate every lab-sent step passes before it is sent. Run mode lets steps through unless a breakpoint
 * matches; step mode holds each one until the user releases it. While held, a request may be edited.
 */
export class Gate extends EventEmitter<{ held: [Step]; released: [Step]; mode: [GateMode] }> {
  private currentMode: GateMode = 'run';
  private bps: Breakpoint[] = [];
  private held: Held | null = null;
  /** Let exactly this many further steps through in step mode (Step = 1). */
  private credits = 0;

  get mode(): GateMode {
    return this.currentMode;
  }

  get breakpoints(): readonly Breakpoint[] {
    return this.bps;
  }

  get waiting(): Step | null {
    return this.held?.step ?? null;
  }

  setMode(mode: GateMode): void {
    this.currentMode = mode;
    this.emit('mode', mode);
  }

  setBreakpoints(bps: Breakpoint[]): void {
    this.bps = [...bps];
  }

  /** Resolves when the step may be sent. Only one step waits at a time: the lab's clients are sequential. */
  admit(step: Step): Promise<GateRelease> {
    const hitBreakpoint = this.bps.some((bp) => matches(bp, step));
    if (hitBreakpoint && this.currentMode === 'run') this.setMode('step');
    if (this.currentMode === 'run') return Promise.resolve({});
    if (!hitBreakpoint && this.credits > 0) {
      this.credits--;
      return Promise.resolve({});
    }
    if (this.held) return Promise.reject(new Error(`step ${this.held.step.index} is already waiting at the gate`));
    return new Promise<GateRelease>((resolve) => {
      this.held = { step, resolve };
      this.emit('held', step);
    });
  }

  /** Send the waiting step (edited, if given) and hold the next one. */
  step(release: GateRelease = {}): boolean {
    return this.release(release, 'step');
  }

  /** Send the waiting step and run on until the end or the next breakpoint. */
  continue(release: GateRelease = {}): boolean {
    return this.release(release, 'run');
  }

  /** Let a step through even when nothing waits yet (Step pressed before the next step arrives). */
  grant(count = 1): void {
    this.credits += count;
  }

  private release(release: GateRelease, next: GateMode): boolean {
    if (next !== this.currentMode) this.setMode(next);
    const h = this.held;
    if (!h) return false;
    this.held = null;
    this.emit('released', h.step);
    h.resolve(release);
    return true;
  }

  /** Let everything through (reset, shutdown). */
  drain(): void {
    this.credits = 0;
    this.release({}, 'run');
  }
}
