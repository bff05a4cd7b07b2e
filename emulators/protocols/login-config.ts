/**
 * The `$Config` JSON of Microsoft's login pages (login.microsoftonline.com): the page's state lives in one script
 * block, `//<![CDATA[\n$Config={...};\n//]]>`. Both sides share it: Entra writes it, the virtual device (like
 * libhimmelblau `parse_auth_config` and ROADtools `authenticate_with_prt_cookie`) reads it. The framing is what those
 * clients cut at: the JSON starts after `$Config=` and ends two characters (`;` and a newline) before `//]]>`.
 */

/** The fields this lab writes; a real page has many more, and readers ignore what they do not know. */
export interface LoginConfig {
  [key: string]: unknown;
  /** Flow token: the opaque state of this sign-in, posted back on every step. */
  sFT?: string;
  /** Context: the authorize request, posted back as `ctx`. */
  sCtx?: string;
  canary?: string;
  /** The canary the page's JSON calls (GetCredentialType, BeginAuth, EndAuth) may send in a `canary` header instead. */
  apiCanary?: string;
  /** Which page this is: ConvergedSignIn (username, password), ConvergedTFA (the MFA prompt); libhimmelblau branches on it. */
  pgid?: string;
  sessionId?: string;
  urlPost?: string;
  urlGetCredentialType?: string;
  urlBeginAuth?: string;
  urlEndAuth?: string;
  arrUserProofs?: { authMethodId: string; data: string; display: string; isDefault: boolean; isLocationAware?: boolean }[];
  iMaxPollAttempts?: number;
  /** Milliseconds between EndAuth polls (libhimmelblau's MFAAuthContinue keeps it as ms). */
  iPollingInterval?: number;
  /** The username the page was posted with (the password view shows it). */
  sPOST_Username?: string;
  /** An error the page shows (libhimmelblau reads sErrorCode / iErrorCode and sErrTxt; ROADtools strServiceExceptionMessage). */
  sErrorCode?: string;
  iErrorCode?: number;
  sErrTxt?: string;
  strServiceExceptionMessage?: string;
  strMainMessage?: string;
  strAdditionalMessage?: string;
  /** The browser-SSO block: `nonce` is the sso_nonce a PRT cookie must carry (ROADtools `get_srv_challenge_nonce`'s fallback). */
  bsso?: { nonce?: string; [key: string]: unknown };
}

/**
 * `<`, `>` and `&` escaped inside the JSON so that no value can close the script (what the real pages do too, `\u0026`
 * all over their URLs). `&` matters to libhimmelblau: it reads the script through an HTML serialiser that writes `&`
 * back as `&amp;`, which would break the JSON.
 */
function scriptSafe(json: string): string {
  return json.replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export function configScript(config: LoginConfig): string {
  return `<script type="text/javascript">//<![CDATA[\n$Config=${scriptSafe(JSON.stringify(config))};\n//]]></script>`;
}

/** The `$Config` of a login page, or null when the page has none or it is not JSON. */
export function readConfig(html: string): LoginConfig | null {
  const start = html.indexOf('$Config=');
  if (start < 0) return null;
  const end = html.indexOf('//]]>', start);
  if (end < 0) return null;
  try {
    const v = JSON.parse(html.slice(start + 8, end - 2)) as unknown;
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as LoginConfig) : null;
  } catch {
    return null;
  }
}
