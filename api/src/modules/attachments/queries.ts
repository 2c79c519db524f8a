// Attachments in the database (bytea): a PostgreSQL backup holds them, and every API process sees
// the same files. Read back in chunks so a download never holds a whole file in memory.
import { sql, type Kysely } from 'kysely';
import type { AttachmentType, Database, Role } from '@qingfeng/db';
import { getOwner } from './owners.ts';

type Db = Kysely<Database>;

export interface NewAttachment {
  ownerKind: string;
  ownerId: number;
  orgUnitId: number;
  fileName: string;
  mediaType: AttachmentType;
  sha256: string;
  content: Uint8Array;
  createdBy: number;
  now: Date;
}

export async function insertAttachment(db: Db, a: NewAttachment) {
  return db
    .insertInto('attachment')
    .values({
      owner_kind: a.ownerKind,
      owner_id: a.ownerId,
      org_unit_id: a.orgUnitId,
      file_name: a.fileName,
      media_type: a.mediaType,
      byte_size: a.content.byteLength,
      sha256: a.sha256,
      content: a.content,
      created_by: a.createdBy,
      created_at: a.now,
    })
    .returning(['id', 'file_name', 'media_type', 'byte_size', 'sha256', 'created_at'])
    .executeTakeFirstOrThrow();
}

/** The attachment's facts (never its bytes), if it lies in the caller's scope. */
export async function findAttachment(db: Db, scopePath: string, id: number) {
  return db
    .selectFrom('attachment as a')
    .innerJoin('org_unit as o', 'o.id', 'a.org_unit_id')
    .select(['a.id', 'a.owner_kind', 'a.owner_id', 'a.org_unit_id', 'a.file_name', 'a.media_type', 'a.byte_size', 'a.sha256', 'a.created_at'])
    .where('a.id', '=', id)
    .where('o.path', 'like', `${scopePath}%`)
    .executeTakeFirst();
}

/** Bytes [offset, offset + length) of the file (substring on bytea is 1-based). */
export async function readChunk(db: Db, id: number, offset: number, length: number): Promise<Uint8Array> {
  const r = await sql<{ part: Uint8Array }>`SELECT substring(content FROM ${offset + 1}::int FOR ${length}::int) AS part FROM attachment WHERE id = ${id}`.execute(db);
  const part = r.rows[0]?.part;
  if (!part) throw new Error(`attachment ${id} vanished during download`);
  return part;
}

export async function deleteAttachment(db: Db, id: number) {
  await db.deleteFrom('attachment').where('id', '=', id).execute();
}

export async function listAttachments(db: Db, ownerKind: string, ownerId: number) {
  return db
    .selectFrom('attachment')
    .select(['id', 'file_name', 'media_type', 'byte_size', 'sha256', 'created_at'])
    .where('owner_kind', '=', ownerKind)
    .where('owner_id', '=', ownerId)
    .orderBy('id')
    .execute();
}

/** The owner record in scope, with whether this role may add or remove files, or undefined (404). */
export async function resolveOwner(db: Db, ownerKind: string, ownerId: number, user: { orgPath: string; role: Role }) {
  const owner = getOwner(ownerKind);
  if (!owner) return undefined;
  const found = await owner.find(db, user.orgPath, ownerId);
  if (!found) return undefined;
  return { ...found, label: owner.label, canWrite: owner.writers.includes(user.role), canRead: owner.readers.includes(user.role) };
}
