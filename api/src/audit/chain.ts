import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every level: the same content always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export interface ChainedContent {
  occurred_at: Date;
  kind: string;
  actor_user_id: number | null;
  actor_username: string | null;
  actor_display_name: string | null;
  actor_role: string | null;
  ip: string | null;
  user_agent: string | null;
  object_type: string | null;
  object_id: string | null;
  org_unit_id: number | null;
  details: Record<string, unknown>;
}

/** SHA-256 over the previous row's hash and this row's canonical content. */
export function chainHash(prevHash: string, row: ChainedContent): string {
  const content = canonicalJson({
    occurred_at: row.occurred_at,
    kind: row.kind,
    actor_user_id: row.actor_user_id,
    actor_username: row.actor_username,
    actor_display_name: row.actor_display_name,
    actor_role: row.actor_role,
    ip: row.ip,
    user_agent: row.user_agent,
    object_type: row.object_type,
    object_id: row.object_id,
    org_unit_id: row.org_unit_id,
    details: row.details,
  });
  return createHash('sha256').update(prevHash).update('\n').update(content).digest('hex');
}
