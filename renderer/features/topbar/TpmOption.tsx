import type { TpmChoiceT } from '../../../app/contract';
import { useLab } from '../../store';

export const SWTPM_MISSING = 'swtpm is not installed: apt install swtpm swtpm-tools';

/** "TPM emulator version 0.7.1, Copyright (c) 2014-2021 IBM Corp." → "swtpm 0.7.1". */
function shortVersion(v: string): string {
  const m = /version\s+([0-9][\w.-]*)/i.exec(v);
  return m ? `swtpm ${m[1]}` : v;
}

/**
 * The device's TPM for the next Run: the in-process software TPM, swtpm (libtpms behind the TPM 2.0 command
 * interface, as QEMU gives a Windows VM its TPM) or auto (emulators/device/tpm/backend.ts resolveTpm: swtpm when
 * installed and the run is unseeded, since a seeded run must replay byte-identically). Sticks for later runs.
 */
export function TpmOption() {
  const info = useLab((s) => s.lab?.tpm);
  const chosen = useLab((s) => s.tpm);
  const setTpm = useLab((s) => s.setTpm);
  const seeded = useLab((s) => s.seed.trim() !== '');
  if (!info) return null;
  const value = chosen ?? info.choice;
  const found = info.swtpm ? shortVersion(info.swtpm) : null;
  const auto = found ? (seeded ? 'Auto (seeded: software TPM)' : `Auto (${found} found)`) : 'Auto (no swtpm here: software TPM)';
  return (
    <>
      <label className="opt" title="The virtual device's TPM: every key the device makes and every signature it gives comes from it">
        <span>TPM</span>
        <select aria-label="TPM" value={value} data-swtpm={found ? 'available' : 'missing'} onChange={(e) => setTpm(e.target.value as TpmChoiceT)}>
          <option value="soft">Software TPM (in-process)</option>
          <option value="swtpm" disabled={!found} title={found ? info.swtpm ?? undefined : SWTPM_MISSING}>
            swtpm (libtpms, TPM 2.0 command interface){found ? '' : ' (not installed)'}
          </option>
          <option value="auto">{auto}</option>
        </select>
      </label>
      {!found && (
        <p className="muted small" data-testid="swtpm-missing" title={SWTPM_MISSING}>
          {SWTPM_MISSING}
        </p>
      )}
    </>
  );
}
