/**
 * HTML escaping for the pages the servers render (Fleet's STS and terms-of-use pages, the SSO forms, Entra's device
 * login). Not XML escaping: it also escapes the single quote, so a value is safe in text and in either attribute
 * quoting. Numeric character references (&#38; &#60; &#62; &#34; &#39;), as the STS and login pages wrote them.
 */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
