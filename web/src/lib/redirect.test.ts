import { describe, expect, it } from 'vitest';
import { safeRedirectPath } from './redirect';

const origin = 'http://qingfeng.test';

describe('redirect after login (security review #11, finding 5)', () => {
  it('keeps same-origin paths with their query', () => {
    expect(safeRedirectPath('/people?page=2#top', origin)).toBe('/people?page=2#top');
    expect(safeRedirectPath('/roster/12', origin)).toBe('/roster/12');
    expect(safeRedirectPath(null, origin)).toBe('/');
  });

  it('refuses every way off the site', () => {
    for (const next of [
      '/\t/evil.example', // /login?next=%2F%09%2Fevil.example, as the issue found it
      '/\n/evil.example',
      '/\r\n/evil.example',
      ' //evil.example',
      '//evil.example',
      '/\\evil.example',
      '\\/evil.example',
      'https://evil.example/',
      'javascript:alert(1)',
      '\u0000//evil.example',
      'evil.example',
      '/%2F/evil.example/..', // stays on the site: decoded only by the server
    ]) {
      const path = safeRedirectPath(next, origin);
      expect(new URL(path, origin).origin, JSON.stringify(next)).toBe(origin);
      expect(path.startsWith('/') && !path.startsWith('//')).toBe(true);
    }
    expect(safeRedirectPath('/\t/evil.example', origin)).toBe('/');
  });
});
