// Which records may own attachments. A module adds its owner kinds here: how to find the record within
// the caller's scope (404 otherwise), which roles may read and add files, and whether the record is
// closed (files of a closed record cannot be removed: they are part of the frozen record).
import type { Kysely } from 'kysely';
import type { Database, Role } from '@qingfeng/db';
import { DECISION_READERS, DECISION_WRITERS } from '../decisions/rules.ts';

export interface AttachmentOwner {
  label: string;
  readers: readonly Role[];
  writers: readonly Role[];
  find(db: Kysely<Database>, scopePath: string, id: number): Promise<{ orgUnitId: number; closed: boolean } | undefined>;
}


const OWNERS = new Map<string, AttachmentOwner>([
  [
    'decision_item',
    {
      label: '议题',
      readers: DECISION_READERS,
      writers: DECISION_WRITERS,
      async find(db, scopePath, id) {
        const r = await db
          .selectFrom('decision_item as i')
          .innerJoin('org_unit as o', 'o.id', 'i.org_unit_id')
          .select(['i.org_unit_id', 'i.closed_at'])
          .where('i.id', '=', id)
          .where('o.path', 'like', `${scopePath}%`)
          .executeTakeFirst();
        return r && { orgUnitId: r.org_unit_id, closed: r.closed_at !== null };
      },
    },
  ],
  [
    'decision_meeting',
    {
      label: '会议',
      readers: DECISION_READERS,
      writers: DECISION_WRITERS,
      async find(db, scopePath, id) {
        const r = await db
          .selectFrom('decision_meeting as m')
          .innerJoin('org_unit as o', 'o.id', 'm.org_unit_id')
          .select(['m.org_unit_id', (eb) => eb.exists(eb.selectFrom('decision_item as i').select('i.id').whereRef('i.meeting_id', '=', 'm.id').where('i.closed_at', 'is not', null)).as('closed')])
          .where('m.id', '=', id)
          .where('o.path', 'like', `${scopePath}%`)
          .executeTakeFirst();
        return r && { orgUnitId: r.org_unit_id, closed: Boolean(r.closed) };
      },
    },
  ],
]);

export const ATTACHMENT_OWNER_KINDS = [...OWNERS.keys()];
export const getOwner = (kind: string): AttachmentOwner | undefined => OWNERS.get(kind);
/** Every role some owner admits, for the routes' guards (each owner checks its own roles again). */
export const ATTACHMENT_READERS: Role[] = [...new Set([...OWNERS.values()].flatMap((o) => o.readers))];
export const ATTACHMENT_WRITERS: Role[] = [...new Set([...OWNERS.values()].flatMap((o) => o.writers))];
