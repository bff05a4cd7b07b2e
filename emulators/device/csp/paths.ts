/**
 * LocURI handling (MS-MDM; OMA-DM 1.2 §6): URIs are relative (`./…`), segments may be URL-escaped (`%7B…%7D`,
 * `MS%20DM%20Server`), and device-scope CSPs answer both as `./Vendor/MSFT/…` and `./Device/Vendor/MSFT/…`.
 * Stored paths are decoded and use the `./Device/Vendor/…` form, without a trailing slash.
 */
export function normalizePath(locUri: string): string {
  let p = locUri.trim().split('?')[0]!.replace(/\/+$/, '');
  p = p
    .split('/')
    .map((seg) => {
      try {
        return decodeURIComponent(seg);
      } catch {
        return seg;
      }
    })
    .join('/');
  if (p.startsWith('./Vendor/')) p = `./Device/Vendor/${p.slice('./Vendor/'.length)}`;
  return p;
}

export function parentOf(path: string): string | null {
  const i = path.lastIndexOf('/');
  return i <= 1 ? null : path.slice(0, i);
}
