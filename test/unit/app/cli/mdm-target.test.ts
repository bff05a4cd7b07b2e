import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { mdmTargetOption } from '../../../../app/cli/mdm-target.js';

const dir = mkdtempSync(join(tmpdir(), 'enrollscope-mdm-target-'));
const ca = join(dir, 'ca.pem');
writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
const notPem = join(dir, 'key.txt');
writeFileSync(notPem, 'hello');

describe('--mdm-url --mdm-token [--mdm-ca | --insecure]', () => {
  const quiet = () => undefined;

  it('is no target without --mdm-url, and the other flags alone are a usage error', () => {
    expect(mdmTargetOption({}, quiet)).toBeUndefined();
    expect((mdmTargetOption({ mdmToken: 't' }, quiet) as Error).message).toBe('--mdm-token, --mdm-ca and --insecure go with --mdm-url');
  });

  it('takes the origin, the token and the CA file', () => {
    expect(mdmTargetOption({ mdmUrl: 'https://fleet.example:8080/', mdmToken: 'T', mdmCa: ca }, quiet)).toEqual({ url: 'https://fleet.example:8080', token: 'T', caPem: expect.stringContaining('BEGIN CERTIFICATE') });
  });

  it('names what is wrong in one line', () => {
    const msg = (o: Parameters<typeof mdmTargetOption>[0]) => (mdmTargetOption(o, quiet) as Error).message;
    expect(msg({ mdmUrl: 'fleet.example', mdmToken: 'T' })).toBe('--mdm-url fleet.example is not a URL (https://host:port)');
    expect(msg({ mdmUrl: 'ftp://fleet.example', mdmToken: 'T' })).toBe('--mdm-url must be https://host:port, not ftp:');
    expect(msg({ mdmUrl: 'https://fleet.example' })).toMatch(/^--mdm-url needs --mdm-token/);
    expect(msg({ mdmUrl: 'https://fleet.example', mdmToken: 'T', mdmCa: join(dir, 'missing.pem') })).toBe(`--mdm-ca ${join(dir, 'missing.pem')}: ENOENT`);
    expect(msg({ mdmUrl: 'https://fleet.example', mdmToken: 'T', mdmCa: notPem })).toBe(`--mdm-ca ${notPem} holds no PEM certificate`);
    expect(msg({ mdmUrl: 'https://fleet.example', mdmToken: 'T', mdmCa: ca, insecure: true })).toBe('--mdm-ca and --insecure exclude each other');
  });

  it('warns loudly for --insecure', () => {
    const lines: string[] = [];
    expect(mdmTargetOption({ mdmUrl: 'https://fleet.example', mdmToken: 'T', insecure: true }, (l) => lines.push(l))).toEqual({ url: 'https://fleet.example', token: 'T', insecure: true });
    expect(lines).toEqual(['WARNING: --insecure: the lab accepts EVERY certificate from https://fleet.example; its traffic could be read or changed by anyone on the path']);
  });
});
