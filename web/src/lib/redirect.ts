// Where to go after login (`/login?next=…`): a path on this site only. Browsers drop tabs and line
// breaks from URLs and read `\` as `/`, so `/%09/evil.example` or `/\evil.example` would leave the site
// if checked as text; parsing against our own origin and comparing origins closes that door.

/** `next` as a same-origin path (with its query and hash), or '/' when it is anything else. */
export function safeRedirectPath(next: string | null | undefined, origin: string): string {
  if (!next) return '/';
  // As the URL parser does: strip leading/trailing C0 controls and spaces, and every tab and line break.
  const cleaned = next.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '').replace(/[\t\n\r]/g, '');
  if (!cleaned.startsWith('/') || cleaned.startsWith('//') || cleaned.startsWith('/\\')) return '/';
  let url: URL;
  try {
    url = new URL(cleaned, origin);
  } catch {
    return '/';
  }
  if (url.origin !== new URL(origin).origin) return '/';
  return `${url.pathname}${url.search}${url.hash}`;
}
