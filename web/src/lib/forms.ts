// Small helpers shared by form pages.
import { beijingTime } from '@qingfeng/api/time';

/** aria attributes for a control whose Field shows `error` (or a hint). */
export function describedBy(id: string, error: string | undefined, hasHint = false) {
  if (error) return { 'aria-invalid': 'true' as const, 'aria-describedby': `${id}-error` };
  return hasHint ? { 'aria-describedby': `${id}-hint` } : {};
}

/** Form field as a trimmed string ('' when absent). */
export function text(data: FormData, name: string): string {
  const v = data.get(name);
  return typeof v === 'string' ? v.trim() : '';
}

/** Form field as a positive integer, or null. */
export function positiveInt(data: FormData, name: string): number | null {
  const s = text(data, name);
  if (!/^\d+$/.test(s)) return null;
  const n = Number(s);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

/** A timestamp in Beijing time, as every table shows it: 2026-11-29 14:03 (api/src/time.ts). */
export function formatTime(iso: string | Date | null | undefined): string {
  if (!iso) return '—';
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  return Number.isNaN(d.getTime()) ? '—' : beijingTime(d);
}

/** A short description of a browser from its user agent. */
export function describeUserAgent(ua: string | null | undefined): string {
  if (!ua) return '未知设备';
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /MicroMessenger/.test(ua)
      ? '微信'
      : /Chrome\//.test(ua)
        ? 'Chrome'
        : /Firefox\//.test(ua)
          ? 'Firefox'
          : /Safari\//.test(ua)
            ? 'Safari'
            : '浏览器';
  const os = /Windows/.test(ua)
    ? 'Windows'
    : /Android/.test(ua)
      ? 'Android'
      : /iPhone|iPad/.test(ua)
        ? 'iOS'
        : /Mac OS X/.test(ua)
          ? 'macOS'
          : /Linux/.test(ua)
            ? 'Linux'
            : '';
  return os ? `${browser} · ${os}` : browser;
}
