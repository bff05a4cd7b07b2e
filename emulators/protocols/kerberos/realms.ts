/**
 * The realms of Entra's Kerberos (entra-mde2.md §6.3): the cloud realm every tgt_cloud is issued in, and the host
 * suffixes the PRT reply's `kerberos_top_level_names` maps to it.
 */

/** Microsoft Entra Kerberos' realm (libhimmelblau fetch_cloud_tgt; Microsoft Learn "Introduction to Microsoft Entra Kerberos"). */
export const CLOUD_REALM = 'KERBEROS.MICROSOFTONLINE.COM';

/**
 * Host suffixes whose services take cloud TGT tickets (Azure Files, Azure SQL on 1433 and 3342): a comma-separated
 * string as the PRT reply carries it; libhimmelblau hands it on unparsed (unseal_prt_kerberos_top_level_names).
 * The exact list production Entra sends is UNCONFIRMED.
 */
export const KERBEROS_TOP_LEVEL_NAMES = ['.windows.net', '.windows.net:1433', '.windows.net:3342', '.azure.net', '.azure.net:1433', '.azure.net:3342'].join(',');
