import { escapeHtml as esc } from '../../protocols/html.js';

/** Fleet's web pages for the end-user-auth "second prompt" (fleet.md §4.3), as plain HTML forms. */

function page(title: string, body: string): string {
  return (
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:4rem auto;padding:0 1rem;color:#192147}` +
    `label{display:block;margin:.75rem 0 .25rem}input[type=text],input[type=password]{width:100%;padding:.5rem}` +
    `button{margin-top:1rem;padding:.5rem 1.25rem}.err{color:#b00020}</style></head><body>${body}</body></html>\n`
  );
}

/** GET /mdm/sso: what orbit opens on END_USER_AUTH_REQUIRED; it starts the SSO for setup_experience. */
export function ssoStartPage(o: { hostUuid: string; initiator: string; action: string }): string {
  return page(
    'Sign in to finish setting up your device',
    `<h1>Authentication required</h1>` +
      `<p>Your organization requires you to sign in with your identity provider before this device can finish enrolling.</p>` +
      `<form method="post" action="${esc(o.action)}">` +
      `<input type="hidden" name="initiator" value="${esc(o.initiator)}">` +
      `<input type="hidden" name="host_uuid" value="${esc(o.hostUuid)}">` +
      `<button type="submit">Sign in</button></form>`,
  );
}

/**
 * The IdP sign-in form. Fleet redirects to the IdP's SAML page; the lab's IdP (the Entra emulator) has no web
 * login, so the MDM server shows the form and the callback signs the user in against Entra's token endpoint.
 */
export function idpLoginPage(o: { relayState: string; action: string; error?: string; username?: string }): string {
  return page(
    'Sign in',
    `<h1>Sign in</h1>` +
      (o.error ? `<p class="err">${esc(o.error)}</p>` : '') +
      `<form method="post" action="${esc(o.action)}">` +
      `<input type="hidden" name="RelayState" value="${esc(o.relayState)}">` +
      `<label for="username">Email</label><input type="text" id="username" name="username" autocomplete="username" value="${esc(o.username ?? '')}">` +
      `<label for="password">Password</label><input type="password" id="password" name="password" autocomplete="current-password">` +
      `<button type="submit">Sign in</button></form>`,
  );
}

export function ssoDonePage(upn: string): string {
  return page('Signed in', `<h1>You're signed in</h1><p>Signed in as ${esc(upn)}. You can close this window; your device will finish setting up.</p>`);
}

export function ssoErrorPage(message: string): string {
  return page('Sign-in failed', `<h1>Sign-in failed</h1><p class="err">${esc(message)}</p>`);
}
