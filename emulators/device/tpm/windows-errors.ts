import type { DecodedRc } from '../../protocols/tpm2.js';
import { TPM_RC } from '../../protocols/tpm2.js';

/**
 * What Windows makes of a TPM 2.0 response code. TBS hands a TPM 2.0 error up as TPM_E_ERROR_MASK (0x80280000) | the
 * base TPM_RC, the winerror.h TPM_20_E_* values (Learn "COM Error Codes (TPM, PLA, FVE)",
 * https://learn.microsoft.com/en-us/windows/win32/com/com-error-codes-6). The Microsoft Platform Crypto Provider
 * (NCrypt over the TPM) turns some into NTE_* codes; those mappings are marked UNCONFIRMED where no Microsoft page
 * states them.
 */
export interface WindowsTpmError {
  /** The TBS-level HRESULT (0x80280000 | base rc), e.g. 0x80280921 TPM_20_E_LOCKOUT. */
  tbsHresult: string;
  tbsName: string;
  /** What NCrypt (the Platform Crypto Provider) returns to the caller (CloudAP, Windows Hello). */
  ncrypt: { hresult: string; name: string; confirmed: boolean; source: string };
  /** What the user sees. */
  userSees: string;
}

const hex = (n: number) => `0x${(n >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;

export function windowsTpmError(rc: DecodedRc): WindowsTpmError {
  const tbs = (0x80280000 | rc.base) >>> 0;
  const tbsName = `TPM_20_E_${rc.name.replace(/^TPM_RC_/, '')}`;
  if (rc.base === TPM_RC.LOCKOUT)
    return {
      tbsHresult: hex(tbs), tbsName,
      ncrypt: { hresult: hex(tbs), name: 'TPM_20_E_LOCKOUT', confirmed: false, source: 'UNCONFIRMED: the PCP passes TPM_20_E_LOCKOUT through (seen in public NCrypt client code, not in a Microsoft page)' },
      userSees: 'Windows Hello: the PIN is temporarily unavailable; the TPM is locked out after too many wrong PINs (Learn "TPM fundamentals: anti-hammering")',
    };
  if (rc.base === TPM_RC.AUTH_FAIL || rc.base === TPM_RC.BAD_AUTH)
    return {
      tbsHresult: hex(tbs), tbsName,
      ncrypt: { hresult: '0x80090010', name: 'NTE_PERM', confirmed: false, source: 'UNCONFIRMED: NCryptSignHash on a PCP key with a wrong PIN returns NTE_PERM (seen in public NCrypt client code)' },
      userSees: 'Windows Hello: "The PIN is incorrect. Try again."',
    };
  if (rc.base === TPM_RC.INTEGRITY)
    return {
      tbsHresult: hex(tbs), tbsName,
      ncrypt: { hresult: '0x80090016', name: 'NTE_BAD_KEYSET', confirmed: false, source: 'UNCONFIRMED: after a TPM clear the PCP reports the key as gone (NTE_BAD_KEYSET, "Keyset does not exist"), as users report for Windows Hello and dsregcmd' },
      userSees: 'The device key is gone with the TPM clear: Entra sign-in (PRT) fails until the device joins again; Windows Hello asks to set up the PIN again',
    };
  return { tbsHresult: hex(tbs), tbsName, ncrypt: { hresult: hex(tbs), name: tbsName, confirmed: false, source: 'UNCONFIRMED: passed through' }, userSees: `a TPM error (${rc.text})` };
}
