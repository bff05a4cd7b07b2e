import { createHash } from 'node:crypto';

/**
 * The DM account Windows creates from the w7 APPLICATION characteristic lives at
 * ./SyncML/DMAcc/0x0000800c<SHA-256 of the UTF-16LE PROVIDER-ID, upper hex>: 0x800c is CALG_SHA_256. Derived by
 * matching Fleet's hard-coded rekey path (fleet.md §2.10), whose hash is SHA-256(UTF-16LE "Fleet").
 */
export function dmAccountId(providerId: string): string {
  return `0x0000800c${createHash('sha256').update(Buffer.from(providerId, 'utf16le')).digest('hex').toUpperCase()}`;
}

export const dmAccPath = (acct: string) => `./SyncML/DMAcc/${acct}`;
/** CLCRED: the credentials the client presents (w7 AAUTHLEVEL APPSRV); SRVCRED: the server's (AAUTHLEVEL CLIENT). */
export const clientCredPath = (acct: string, leaf: 'AAuthName' | 'AAuthSecret' | 'AAuthData' | 'AAuthType') => `${dmAccPath(acct)}/AppAuth/CLCRED/${leaf}`;
export const serverCredPath = (acct: string, leaf: 'AAuthName' | 'AAuthSecret' | 'AAuthData' | 'AAuthType') => `${dmAccPath(acct)}/AppAuth/SRVCRED/${leaf}`;
