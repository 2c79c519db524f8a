import type { Kysely } from 'kysely';
import type { Database, Role } from '@qingfeng/db';

export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

/** The signed-in user as routes see it. */
export interface SessionUser {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  orgUnitId: number;
  /** Materialised path of the user's org unit: the user's scope is this subtree. */
  orgPath: string;
  orgName: string;
  personId: number | null;
  mustChangePassword: boolean;
}

export interface AppEnv {
  Bindings: {
    /** Set by the in-process caller (SvelteKit) — trusted because only code in this process can pass it. */
    clientIp?: string;
    userAgent?: string;
    /** Set by @hono/node-server when the API runs alone. */
    incoming?: { socket?: { remoteAddress?: string } };
  };
  Variables: {
    db: Kysely<Database>;
    /**
     * For reports and exports only (read-heavy, never followed by the caller's own write): the
     * streaming replica when DATABASE_READ_URL is set, else the same as `db`. Everything a user reads
     * back right after writing it (lists, detail pages, the roster, sessions) stays on `db`.
     */
    reportDb: Kysely<Database>;
    clock: Clock;
    engine: 'pglite' | 'postgresql';
    user: SessionUser | null;
    sessionId: string | null;
    /** The client's address (see clientIp in app.ts) and user agent, for the audit log. */
    ip: string | null;
    userAgent: string | null;
  };
}
