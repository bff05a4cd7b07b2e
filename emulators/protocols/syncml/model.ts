/** OMA-DM SyncML 1.2 (MS-MDM 2.2): the message model both sides share: namespaces, Alert and Status codes, commands. */
export const SYNCML_NS = 'SYNCML:SYNCML1.2';
export const METINF_NS = 'syncml:metinf';
export const SYNCML_CONTENT_TYPE = 'application/vnd.syncml.dm+xml';

/** Alert codes (OMA-DM 1.2 §8; MS-MDM). */
export const ALERT = {
  serverInitiatedManagement: '1200',
  clientInitiatedManagement: '1201',
  nextMessage: '1222',
  sessionAbort: '1223',
  clientEvent: '1224',
  noEndOfData: '1225',
  generic: '1226',
} as const;

/** Status codes (entra-mde2.md §8.4). */
export const STATUS = {
  ok: '200',
  accepted: '202',
  authAccepted: '212',
  badRequest: '400',
  invalidCredentials: '401',
  forbidden: '403',
  notFound: '404',
  notAllowed: '405',
  authenticationRequired: '407',
  alreadyExists: '418',
  commandFailed: '500',
} as const;

/** Meta of the unenroll generic alert (MS-MDM; Fleet syncml.AlertUserUnenrollmentRequest). */
export const UNENROLL_ALERT_TYPE = 'com.microsoft:mdm.unenrollment.userrequest';

export type SyncMLVerb = 'Add' | 'Alert' | 'Atomic' | 'Delete' | 'Exec' | 'Get' | 'Replace' | 'Results' | 'Sequence' | 'Status';
export const VERBS: readonly SyncMLVerb[] = ['Add', 'Alert', 'Atomic', 'Delete', 'Exec', 'Get', 'Replace', 'Results', 'Sequence', 'Status'];

export interface SyncMLMeta {
  type?: string;
  format?: string;
  nextNonce?: string;
  mark?: string;
  size?: string;
  maxMsgSize?: string;
}

/** Item data: plain text (escaped when written), or raw XML embedded as is (an MsiInstallJob). */
export type SyncMLData = string | { xml: string };

export interface SyncMLItem {
  target?: string;
  source?: string;
  meta?: SyncMLMeta;
  data?: SyncMLData;
}

export interface SyncMLCred {
  type: string;
  format: string;
  data: string;
}

/** One protocol command; Status/Results use the *Ref fields, Atomic/Sequence hold `commands`. */
export interface SyncMLCommand {
  verb: SyncMLVerb;
  cmdId: string;
  noResp?: boolean;
  msgRef?: string;
  cmdRef?: string;
  /** Status: the verb the status is for (`SyncHdr` for the header). */
  cmd?: string;
  targetRef?: string;
  sourceRef?: string;
  /** Status: a challenge (NextNonce + auth type/format). */
  chal?: SyncMLMeta;
  meta?: SyncMLMeta;
  /** Alert code, Status code. */
  data?: string;
  items: SyncMLItem[];
  commands?: SyncMLCommand[];
}

/** A command as parsed: its fields plus the exact XML it arrived as. */
export interface ParsedSyncMLCommand extends SyncMLCommand {
  xml: string;
  commands?: ParsedSyncMLCommand[];
}

export interface SyncHdr {
  verDTD: string;
  verProto: string;
  sessionId: string;
  msgId: string;
  target: string;
  source: string;
  cred?: SyncMLCred;
  meta?: SyncMLMeta;
}

export interface SyncMLMessage {
  hdr: SyncHdr;
  /** Commands in document order; a string is raw command XML written as is (a queued command). */
  commands: (SyncMLCommand | string)[];
  final: boolean;
}

export interface ParsedSyncMLMessage {
  namespace: string;
  hdr: SyncHdr;
  commands: ParsedSyncMLCommand[];
  final: boolean;
}

export class SyncMLParseError extends Error {
  override name = 'SyncMLParseError';
}
