import { describe, expect, it } from 'vitest';
import { parseMsiCommandLine, parseMsiInstallJob } from '../../../../../emulators/device/mdm/msi-job.js';

const JOB = `<MsiInstallJob id="{A427C0AA-E2D5-40DF-ACE8-0D726A6BE096}"><Product Version="1.0.0.0"><Download><ContentURLList><ContentURL>http://127.0.0.1:1/stable/fleetd-base.msi</ContentURL></ContentURLList></Download><Validation><FileHash>64eb5ae0be63c7c9fa4fcd54220d6d5640a4f4d483a102f0ac2f2cfb1a386331</FileHash></Validation><Enforcement><CommandLine>/quiet FLEET_URL="http://127.0.0.1:1" FLEET_SECRET="s3cr=t" ENABLE_SCRIPTS="True" EUA_TOKEN="a.b.c"</CommandLine><TimeOut>10</TimeOut><RetryCount>1</RetryCount><RetryInterval>5</RetryInterval></Enforcement></Product></MsiInstallJob>`;

describe('EnterpriseDesktopAppManagement MsiInstallJob (entra-mde2.md §9)', () => {
  it("reads Fleet's job: product version, ContentURL, FileHash (upper-cased), command line, timings", () => {
    expect(parseMsiInstallJob(JOB)).toEqual({
      id: '{A427C0AA-E2D5-40DF-ACE8-0D726A6BE096}',
      version: '1.0.0.0',
      contentUrls: ['http://127.0.0.1:1/stable/fleetd-base.msi'],
      fileHash: '64EB5AE0BE63C7C9FA4FCD54220D6D5640A4F4D483A102F0AC2F2CFB1A386331',
      commandLine: '/quiet FLEET_URL="http://127.0.0.1:1" FLEET_SECRET="s3cr=t" ENABLE_SCRIPTS="True" EUA_TOKEN="a.b.c"',
      timeOutMinutes: 10,
      retryCount: 1,
      retryIntervalMinutes: 5,
    });
  });

  it('refuses a job without a SHA-256 FileHash', () => {
    expect(() => parseMsiInstallJob(JOB.replace(/<FileHash>[^<]*</, '<FileHash>abc<'))).toThrow(/FileHash/);
  });

  it('splits the msiexec command line into switches and public properties, quotes and doubled quotes included', () => {
    expect(parseMsiCommandLine('/quiet FLEET_URL="http://x" FLEET_SECRET="s3cr=t" ENABLE_SCRIPTS="True" EUA_TOKEN="a.b.c"')).toEqual({
      switches: ['/quiet'],
      properties: { FLEET_URL: 'http://x', FLEET_SECRET: 's3cr=t', ENABLE_SCRIPTS: 'True', EUA_TOKEN: 'a.b.c' },
    });
    expect(parseMsiCommandLine('/qn /norestart x=1 Y="say ""hi"""').properties).toEqual({ X: '1', Y: 'say "hi"' });
  });

  it('refuses a command line msiexec could not read', () => {
    expect(() => parseMsiCommandLine('/quiet FLEET_URL="unterminated')).toThrow(/command line/);
  });
});
