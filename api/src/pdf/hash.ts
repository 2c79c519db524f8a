import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every level, so the same data always gives the same bytes (and the
 * same content hash) whatever order the query or the code happened to build it in.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** SHA-256 of the canonical form of the data a document is drawn from. */
export function contentHash(data: unknown): string {
  return sha256Hex(canonicalJson(data));
}

/** The short check code printed in footers: the first 16 hex digits of the content hash, in groups of 4. */
export function checkCode(contentSha256: string): string {
  return (contentSha256.slice(0, 16).toUpperCase().match(/.{4}/g) ?? []).join('-');
}

/** 'YYYY-MM-DD HH:mm' in Asia/Shanghai (see api/src/time.ts). */
export { beijingTime as shanghaiDateTime } from '../time.ts';

export function shanghaiYear(at: Date): number {
  return new Date(at.getTime() + 8 * 3600_000).getUTCFullYear();
}
