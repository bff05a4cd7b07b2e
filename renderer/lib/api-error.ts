/**
 * The host answers bad input with `{error, detail}` where detail is zod's error tree (z.treeifyError): this turns
 * it into one readable line ("emails.0: Invalid email address") so a form can say what is wrong with it.
 */
interface Tree {
  errors?: unknown;
  properties?: Record<string, unknown>;
  items?: unknown[];
}

function walk(node: unknown, path: string, out: string[]): void {
  if (!node || typeof node !== 'object') return;
  const t = node as Tree;
  if (Array.isArray(t.errors)) for (const e of t.errors) if (typeof e === 'string') out.push(path ? `${path}: ${e}` : e);
  if (t.properties && typeof t.properties === 'object') for (const [k, v] of Object.entries(t.properties)) walk(v, path ? `${path}.${k}` : k, out);
  if (Array.isArray(t.items)) t.items.forEach((v, i) => walk(v, path ? `${path}.${i}` : String(i), out));
}

export function apiErrorText(body: unknown, fallback: string): string {
  if (!body || typeof body !== 'object') return fallback;
  const b = body as { error?: unknown; detail?: unknown };
  const error = typeof b.error === 'string' ? b.error : fallback;
  const details: string[] = [];
  walk(b.detail, '', details);
  return details.length ? `${error}: ${details.join('; ')}` : error;
}
