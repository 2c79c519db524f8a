// Security headers of every page response (security review #11, finding 8). The Content-Security-Policy
// itself comes from SvelteKit (kit.csp in svelte.config.js: a nonce for its own inline start-up
// script); the API sets the same set for /api in api/src/http/security-headers.ts.
import { isSecure } from './origin';

type Event = Parameters<typeof isSecure>[0];

export const PAGE_SECURITY_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  // Older browsers that ignore CSP frame-ancestors.
  'X-Frame-Options': 'DENY',
  // Addresses carry record ids (/people/123): never send them to another site.
  'Referrer-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), interest-cohort=()',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

/** Sets the headers on a page response; no-store everywhere (pages show personal data). */
export function applySecurityHeaders(event: Event, headers: Headers): void {
  for (const [name, value] of Object.entries(PAGE_SECURITY_HEADERS)) if (!headers.has(name)) headers.set(name, value);
  headers.set('Cache-Control', 'no-store');
  if (isSecure(event)) headers.set('Strict-Transport-Security', 'max-age=31536000');
}
