import type { FastifyInstance, FastifyReply } from 'fastify';
import type { EntraContext } from './context.js';
import { getTenant } from './directory.js';
import { checkPassword } from './signin.js';
import { OAuthError } from './errors.js';
import { approveDeviceCode, denyDeviceCode } from './user-actions.js';
import { parseForm } from '../protocols/oauth.js';
import { ENTRA_PATHS } from '../protocols/paths/entra.js';
import { escapeHtml as esc } from '../protocols/html.js';

/**
 * The device login page a device-code message points at (RFC 8628 §3.3, entra-mde2.md §5.3): the user opens it
 * in a browser on another screen, enters the code and signs in; Entra marks the code approved and the polling
 * device gets its tokens. A wrong code or password shows the error and changes nothing.
 */

const sendHtml = (reply: FastifyReply, status: number, body: string) => reply.code(status).header('content-type', 'text/html; charset=utf-8').send(body);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font:15px system-ui,sans-serif;max-width:26rem;margin:4rem auto;color:#1b1b1b}h1{font-size:1.4rem}
label{display:block;margin:.8rem 0 .2rem}input{width:100%;padding:.45rem;font:inherit;box-sizing:border-box}
button{margin-top:1rem;padding:.5rem 1.2rem;font:inherit;background:#0067b8;color:#fff;border:0}
.err{color:#a4262c}.ok{color:#107c10}</style></head><body>${body}</body></html>`;
}

function form(error?: string, values: { code?: string; username?: string } = {}): string {
  return page(
    'Enter code',
    `<h1>Enter code</h1><p>Enter the code displayed on your device to allow access, then sign in.</p>
${error ? `<p class="err" role="alert">${esc(error)}</p>` : ''}
<form method="post" action="${ENTRA_PATHS.deviceLogin}">
<label for="otc">Code</label><input id="otc" name="otc" autocomplete="off" value="${esc(values.code ?? '')}" required>
<label for="username">Email, phone, or Skype</label><input id="username" name="username" value="${esc(values.username ?? '')}" required>
<label for="password">Password</label><input id="password" name="password" type="password" required>
<button type="submit" name="action" value="approve">Sign in</button>
<button type="submit" name="action" value="deny" formnovalidate style="background:#666">This isn't me</button>
</form>`,
  );
}

export function registerDeviceLogin(app: FastifyInstance, ctx: EntraContext): void {
  app.get(ENTRA_PATHS.deviceLogin, (_req, reply) => sendHtml(reply, 200, form()));
  app.post(ENTRA_PATHS.deviceLogin, (req, reply) => {
    const f = parseForm(req.rawBody);
    const code = (f.otc ?? '').trim();
    try {
      if (!code) return sendHtml(reply, 400, form('Enter the code shown on your device.', f));
      if (f.action === 'deny') {
        denyDeviceCode(ctx, code);
        return sendHtml(reply, 200, page('Sign-in declined', '<h1>Sign-in declined</h1><p class="ok">The device will not be signed in. You can close this window.</p>'));
      }
      // AADSTS50034 / 50126 as the token endpoint would give them; checked before anything is written.
      const user = checkPassword(ctx, getTenant(ctx), f.username, f.password);
      approveDeviceCode(ctx, code, user.upn);
      return sendHtml(reply, 200, page('Signed in', `<h1>You're signed in</h1><p class="ok">${esc(user.upn)} is signed in on the device. You can close this window.</p>`));
    } catch (e) {
      const message = e instanceof OAuthError ? e.description : (e as Error).message;
      return sendHtml(reply, 400, form(message, { code, ...(f.username !== undefined && { username: f.username }) }));
    }
  });
}
