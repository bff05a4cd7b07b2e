import {
  characteristic,
  buildWapProvisioningDoc,
  type WapCharacteristic,
} from '../../protocols/mde2/provisioning-doc.js';

/**
 * Fleet's wap-provisioningdoc (fleet.md §2.6; server/service/microsoft_mdm.go NewCertStoreProvisioningData,
 * NewApplicationProvisioningData, NewDMClientProvisioningData), in Fleet's order and with Fleet's values.
 */

/** syncml.DocProvisioningAppProviderID / DocProvisioningAppName. */
export const PROVIDER_ID = 'Fleet';
export const APP_NAME = 'Fleet';

export interface FleetProvisioningInput {
  enrollmentType: string;
  identityFingerprint: string;
  identityCertDer: Buffer;
  clientFingerprint: string;
  clientCertDer: Buffer;
  managementUrl: string;
  /** DM credentials: AAUTHNAME = DeviceID, AAUTHSECRET = a random uuid. */
  dmUsername: string;
  dmPassword: string;
}

const p = (name: string, value = '', datatype = '') => ({ name, ...(value ? { value } : {}), ...(datatype ? { datatype } : {}) });

export function certStoreProvisioningData(i: FleetProvisioningInput): WapCharacteristic {
  // The client cert goes to the System store for Device (AADJ) enrollments, User otherwise.
  const store = i.enrollmentType === 'Device' ? 'System' : 'User';
  return characteristic('CertificateStore', [], [
    characteristic('Root', [], [
      characteristic('System', [], [characteristic(i.identityFingerprint, [p('EncodedCertificate', i.identityCertDer.toString('base64'))])]),
    ]),
    characteristic('My', [], [
      characteristic(store, [], [
        characteristic(i.clientFingerprint, [p('EncodedCertificate', i.clientCertDer.toString('base64'))]),
        characteristic('PrivateKeyContainer'),
      ]),
      characteristic('WSTEP', [], [
        characteristic('Renew', [p('ROBOSupport', 'true', 'boolean'), p('RenewPeriod', '365', 'integer'), p('RetryInterval', '4', 'integer')]),
      ]),
    ]),
  ]);
}

export function applicationProvisioningData(i: FleetProvisioningInput): WapCharacteristic {
  return characteristic(
    'APPLICATION',
    [
      p('PROVIDER-ID', PROVIDER_ID),
      p('APPID', 'w7'),
      p('NAME', APP_NAME),
      p('ADDR', i.managementUrl),
      p('CONNRETRYFREQ', '6'),
      p('INITIALBACKOFFTIME', '30000'),
      p('MAXBACKOFFTIME', '120000'),
      p('DEFAULTENCODING', 'application/vnd.syncml.dm+xml'),
      p('BACKCOMPATRETRYDISABLED'),
    ],
    [
      // CLIENT: the server authenticates itself to the DM client.
      characteristic('APPAUTH', [p('AAUTHLEVEL', 'CLIENT'), p('AAUTHTYPE', 'DIGEST'), p('AAUTHSECRET', 'dummy'), p('AAUTHDATA', 'nonce')]),
      // APPSRV: the client authenticates itself to the server with these DM credentials (MD5 digest).
      characteristic('APPAUTH', [
        p('AAUTHLEVEL', 'APPSRV'),
        p('AAUTHTYPE', 'DIGEST'),
        p('AAUTHNAME', i.dmUsername),
        p('AAUTHSECRET', i.dmPassword),
        p('AAUTHDATA', 'nonce'),
      ]),
    ],
  );
}

export function dmClientProvisioningData(): WapCharacteristic {
  const int = (name: string, v: string) => p(name, v, 'integer');
  return characteristic('DMClient', [], [
    characteristic('Provider', [], [
      characteristic(PROVIDER_ID, [], [
        characteristic('Poll', [
          p('AllUsersPollOnFirstLogin', 'true', 'boolean'),
          p('PollOnLogin', 'true', 'boolean'),
          // 0 = retry for ever at the first interval (Fleet's choice), 1 minute.
          int('NumberOfFirstRetries', '0'),
          int('IntervalForFirstSetOfRetries', '1'),
          int('NumberOfSecondRetries', '0'),
          int('IntervalForSecondSetOfRetries', '0'),
          int('NumberOfRemainingScheduledRetries', '0'),
          int('IntervalForRemainingScheduledRetries', '0'),
        ]),
      ]),
    ]),
  ]);
}

/** The whole doc as text, exactly the bytes Fleet base64-encodes into the RSTRC. */
export function fleetProvisioningDoc(i: FleetProvisioningInput): string {
  return buildWapProvisioningDoc([certStoreProvisioningData(i), applicationProvisioningData(i), dmClientProvisioningData()]);
}
