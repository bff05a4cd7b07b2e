import type { FastifyRequest } from 'fastify';

/**
 * Where the PRT SSO credentials travel on an authorize request. `x-ms-RefreshTokenCredential` is a request header
 * (libhimmelblau `exchange_prt_for_auth_code_internal`, Windows' web views) or a cookie of that name (ROADtools
 * `authenticate_with_prt_cookie`, browsers with the Windows Accounts extension); `x-ms-DeviceCredential` likewise
 * (libhimmelblau sends it as a header, BrowserCore hands both out as cookies).
 */
export const PRT_COOKIE = 'x-ms-RefreshTokenCredential';
export const DEVICE_CREDENTIAL = 'x-ms-DeviceCredential';

/** One cookie of a `Cookie` header (RFC 6265 §5.4: `name=value` pairs joined by `; `), by name in any case. */
export function cookieValue(cookieHeader: string | undefined, name: string): string | null {
  if (!cookieHeader) return null;
  for (const part of cookieHeader.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim().toLowerCase() === name.toLowerCase()) return part.slice(i + 1).trim().replace(/^"(.*)"$/, '$1');
  }
  return null;
}

/**
 * The credential named `name`, header first, then cookie. A value copied from BrowserCore's output may carry cookie
 * attributes after the JWT (`; path=/; secure; httponly`): only the JWT is kept.
 */
export function ssoCredential(headers: FastifyRequest['headers'], name: string): string | null {
  const h = headers[name.toLowerCase()];
  const raw = (Array.isArray(h) ? h[0] : h) ?? cookieValue(typeof headers.cookie === 'string' ? headers.cookie : undefined, name);
  if (!raw) return null;
  const jwt = raw.split(';')[0]!.trim();
  return jwt === '' ? null : jwt;
}
