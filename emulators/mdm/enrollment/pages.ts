import type { FastifyReply, FastifyRequest } from 'fastify';
import type { MdmContext } from '../context.js';
import { fleetError, sendFleetError } from '../fleet-error.js';
import { sendFault } from './soap-endpoint.js';
import { sendHtml } from '../html.js';
import { escapeHtml } from '../../protocols/html.js';

/**
 * The two HTML pages of Fleet's Windows enrollment: the STS auth page (fleet.md §2.2: a dummy that auto-POSTs
 * `wresult=user_driven_enrollment_not_implemented` to appru, since Fleet does not federate) and the terms-of-use
 * page (§2.9: redirects to redirect_uri with IsAccepted=true and the request id as OpaqueBlob).
 */

/** The fixed dummy Fleet returns instead of an STS token. */
export const STS_DUMMY_WRESULT = 'user_driven_enrollment_not_implemented';

type Query = Record<string, string | undefined>;

/** html/template's JS-string escaping, enough for a URL or a token inside '…' or "…". */
function jsString(s: string): string {
  return s.replace(/[\\'"<>&\n\r\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function stsAuthPage() {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const q = req.query as Query;
    // Both parameters must be present and non-empty; the status of these errors is UNCONFIRMED (fleet.md §10):
    // Fleet returns a plain error from the endpoint, which its error encoder sends as a 500.
    if (q.appru === undefined || q.login_hint === undefined) return sendFleetError(reply, 500, fleetError('expected STS params are not present'));
    if (!q.appru || !q.login_hint) return sendFleetError(reply, 500, fleetError('expected STS params are empty'));
    const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(q.appru)?.[1]?.toLowerCase();
    if (!scheme || !['http', 'https', 'ms-app'].includes(scheme)) return sendFleetError(reply, 500, fleetError('error generating STS content'));
    const page = `
				<script>
				function performPost() {
				  // Dinamically create a form element to submit the request
				  var form = document.createElement('form');
				  form.method = 'POST';
				  form.action = "${jsString(q.appru)}"

				  var inputToken = document.createElement('input');
				  inputToken.type = 'hidden';
				  inputToken.name = 'wresult';
				  inputToken.value = '${jsString(STS_DUMMY_WRESULT)}';
				  form.appendChild(inputToken);

				  // Submit the form
				  document.body.appendChild(form);
				  form.submit();
				}

				// Call performPost() when the script is executed
				performPost();
				</script>
				`;
    return sendHtml(reply, 200, page);
  };
}

export function tosPage(ctx: MdmContext) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const q = req.query as Query;
    // Missing parameters: a SOAP fault whose RelatesTo is the literal s:internalservicefault (fleet.md §2.8).
    if (q.redirect_uri === undefined || q['client-request-id'] === undefined) {
      return sendFault(ctx, reply, 'enrollment', 's:internalservicefault', 'invalid params');
    }
    const redirect = q.redirect_uri;
    const clientData = q['client-request-id'];
    // Fleet renders frontend/templates/windowsTOS.html with RedirectURL and ClientData; the lab's page is the same
    // idea: an Accept button that returns to Windows with IsAccepted=true and OpaqueBlob=<client data>.
    const page = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Fleet: terms of use</title></head>
<body>
<main data-redirect-url="${escapeHtml(redirect)}" data-client-data="${escapeHtml(clientData)}">
<h1>Enroll in Fleet</h1>
<p>By enrolling, you allow your organization to manage this device.</p>
<button id="accept" type="button">Accept</button>
</main>
<script>
document.getElementById('accept').addEventListener('click', function () {
  var redirectURL = "${jsString(redirect)}";
  var clientData = "${jsString(clientData)}";
  window.location = redirectURL + (redirectURL.indexOf('?') < 0 ? '?' : '&') + 'IsAccepted=true&OpaqueBlob=' + encodeURIComponent(clientData);
});
</script>
</body>
</html>
`;
    return sendHtml(reply, 200, page);
  };
}
