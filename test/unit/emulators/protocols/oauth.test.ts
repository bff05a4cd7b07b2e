import { describe, it, expect } from 'vitest';
import { resourceOfScope, clientInfo, parseForm, formBody } from '../../../../emulators/protocols/oauth.js';

describe('v2 scope → resource (entra-mde2.md §5.2, §5.4)', () => {
  it('takes the resource of a /.default scope after the OIDC scopes', () => {
    expect(resourceOfScope('openid profile offline_access https://enrollment.manage.microsoft.com//.default')).toBe('https://enrollment.manage.microsoft.com/');
    expect(resourceOfScope('01cb2876-7ebd-4aa4-9cc9-d28bd4d359a9/.default')).toBe('01cb2876-7ebd-4aa4-9cc9-d28bd4d359a9');
  });

  it('drops the permission of a named scope', () => {
    expect(resourceOfScope('https://graph.microsoft.com/User.Read')).toBe('https://graph.microsoft.com');
    expect(resourceOfScope('01cb2876-7ebd-4aa4-9cc9-d28bd4d359a9/adrs_access')).toBe('01cb2876-7ebd-4aa4-9cc9-d28bd4d359a9');
  });

  it('a bare permission is Graph, a bare URL is itself, OIDC-only is none', () => {
    expect(resourceOfScope('User.Read')).toBe('https://graph.microsoft.com');
    expect(resourceOfScope('https://mdm.example.com')).toBe('https://mdm.example.com');
    expect(resourceOfScope('openid aza ugs')).toBeNull();
  });
});

describe('client_info and forms (§5.1)', () => {
  it('client_info is unpadded base64url of {uid, utid}', () => {
    const ci = clientInfo('u-1', 't-1');
    expect(ci).not.toContain('=');
    expect(JSON.parse(Buffer.from(ci, 'base64url').toString())).toEqual({ uid: 'u-1', utid: 't-1' });
  });

  it('form bodies round-trip and skip undefined fields', () => {
    const body = formBody({ grant_type: 'password', password: 'a&b=c d', scope: undefined });
    expect(body).not.toContain('scope');
    expect(parseForm(body)).toEqual({ grant_type: 'password', password: 'a&b=c d' });
  });
});
