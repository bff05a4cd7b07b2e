import { describe, expect, it } from 'vitest';
import { configChecks } from '../../../../app/host/doctor.js';
import type { FleetAppConfig } from '../../../../emulators/protocols/fleet-api.js';

const LAB = { tenantId: '640e5551-10c8-4d92-b5d0-66b698827bc8', mdmAppId: '9b772372-3947-44ac-9242-ed9c555fb7cd', jwksUrl: 'https://127.0.0.1:44739/common/discovery/v2.0/keys' };
const TARGET = new URL('https://fleet.example:8080');

function config(over: { server_url?: string; mdm?: Partial<FleetAppConfig['mdm']> } = {}): FleetAppConfig {
  return {
    server_settings: { server_url: over.server_url ?? 'https://fleet.example:8080' },
    mdm: {
      windows_enabled_and_configured: true,
      windows_entra_tenant_ids: [LAB.tenantId],
      windows_entra_client_ids: [],
      macos_setup: { enable_end_user_authentication: false },
      end_user_authentication: { metadata_url: '' },
      ...over.mdm,
    },
  };
}

const byId = (cfg: FleetAppConfig) => Object.fromEntries(configChecks(cfg, TARGET, LAB).map((c) => [c.id, c]));

describe('doctor: the settings read from GET /api/v1/fleet/config', () => {
  it('a Fleet set up for the lab: every setting ok; the audience is accepted through server_url\'s host:port', () => {
    const c = byId(config());
    expect(Object.values(c).every((x) => x.status === 'ok')).toBe(true);
    expect(c['entra-audience']?.message).toContain("its host:port is server_url's");
  });

  it('server_url elsewhere and no client id: two lines, each with the PATCH that fixes it', () => {
    const c = byId(config({ server_url: 'https://fleet.internal' }));
    expect(c['server-url']?.status).toBe('missing');
    expect(c['server-url']?.message).toContain('PATCH /api/v1/fleet/config {"server_settings":{"server_url":"https://fleet.example:8080"}}');
    expect(c['entra-audience']?.status).toBe('missing');
    expect(c['entra-audience']?.message).toContain(`{"mdm":{"windows_entra_client_ids":["${LAB.mdmAppId}"]}}`);
    // The MDM app id among the client ids is enough on its own (hasAuthorizedAzureAudience).
    expect(byId(config({ server_url: 'https://fleet.internal', mdm: { windows_entra_client_ids: [LAB.mdmAppId] } }))['entra-audience']?.status).toBe('ok');
  });

  it('end-user authentication on without an IdP: the lab Entra\'s federation metadata URL to set', () => {
    const c = byId(config({ mdm: { macos_setup: { enable_end_user_authentication: true }, end_user_authentication: { metadata_url: '' } } }));
    expect(c['end-user-auth']?.status).toBe('missing');
    expect(c['end-user-auth']?.message).toContain(`"metadata_url":"https://127.0.0.1:44739/${LAB.tenantId}/federationmetadata/2007-06/federationmetadata.xml"`);
    expect(byId(config({ mdm: { macos_setup: { enable_end_user_authentication: true }, end_user_authentication: { metadata_url: 'https://idp.example/metadata' } } }))['end-user-auth']?.status).toBe('ok');
  });

  it('another tenant configured: the lab\'s is added to the ones there, not put in their place', () => {
    const c = byId(config({ mdm: { windows_entra_tenant_ids: ['0d1b0c5e-0000-4000-8000-000000000001'] } }));
    expect(c['entra-tenant']?.status).toBe('missing');
    expect(c['entra-tenant']?.message).toContain(`"windows_entra_tenant_ids":["0d1b0c5e-0000-4000-8000-000000000001","${LAB.tenantId}"]`);
  });
});
