import type { EntraPending, MdmSettingsView, QueuedCommand } from '../../app/contract';
import type { Slice } from './types';

/** The sections of the trainer's console; each shows its own refusal (409 busy, 400 bad input) beside its form. */
export type ConsoleSection = 'command' | 'sync' | 'scim' | 'settings' | 'signin';

/** The trainer's console: commands queued for the run's device, the MDM server settings, per-section errors. */
export interface ConsoleSlice {
  consoleOpen: boolean;
  queued: QueuedCommand[];
  settings: MdmSettingsView | null;
  /** Sign-ins waiting for the user at Entra: device codes to enter, MFA pushes to answer. */
  pending: EntraPending | null;
  consoleErrors: Partial<Record<ConsoleSection, string>>;
  consoleNotes: Partial<Record<ConsoleSection, string>>;
  consoleBusy: ConsoleSection | null;
  setConsoleOpen(open: boolean): void;
  addQueued(q: QueuedCommand): void;
  setMdmSettings(s: MdmSettingsView | null): void;
  setPending(p: EntraPending | null): void;
  setConsoleResult(section: ConsoleSection, r: { error?: string; note?: string }): void;
  setConsoleBusy(section: ConsoleSection | null): void;
}

export const createConsoleSlice: Slice<ConsoleSlice> = (set, get) => ({
  consoleOpen: false,
  queued: [],
  settings: null,
  pending: null,
  consoleErrors: {},
  consoleNotes: {},
  consoleBusy: null,
  setConsoleOpen: (consoleOpen) => set({ consoleOpen }),
  addQueued: (q) => set({ queued: [...get().queued, q] }),
  setMdmSettings: (settings) => set({ settings }),
  setPending: (pending) => set({ pending }),
  setConsoleResult: (section, r) => {
    const errors = { ...get().consoleErrors };
    const notes = { ...get().consoleNotes };
    if (r.error) errors[section] = r.error;
    else delete errors[section];
    if (r.note) notes[section] = r.note;
    else delete notes[section];
    set({ consoleErrors: errors, consoleNotes: notes });
  },
  setConsoleBusy: (consoleBusy) => set({ consoleBusy }),
});
