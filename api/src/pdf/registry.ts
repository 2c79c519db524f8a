// The document registry: every generated document gets a number and the hashes needed to check a copy.
import { sql, type Kysely } from 'kysely';
import type { Database } from '@qingfeng/db';
import { shanghaiYear } from './hash.ts';

export interface NewDocument {
  kind: string;
  title: string;
  orgUnitId: number;
  contentSha256: string;
  /** null for documents nobody downloaded: a pledge signed through a one-time link. */
  createdBy: number | null;
  now: Date;
}

/** QF-<year>-<6 digits>: the year in Asia/Shanghai, the digits from the row's id (so unique without a lock). */
export function documentNumber(id: number, at: Date): string {
  return `QF-${shanghaiYear(at)}-${String(id).padStart(6, '0')}`;
}

/** Registers a document; call it in the transaction that audits the export. */
export async function insertDocument(db: Kysely<Database>, d: NewDocument): Promise<{ id: number; number: string }> {
  // The number embeds the id, which we only know after insert: take it from the identity sequence first.
  const { id } = await sql<{ id: number }>`SELECT nextval(pg_get_serial_sequence('document', 'id'))::int AS id`
    .execute(db)
    .then((r) => r.rows[0]!);
  const number = documentNumber(id, d.now);
  await sql`
    INSERT INTO document (id, number, kind, title, org_unit_id, content_sha256, created_by, created_at)
    OVERRIDING SYSTEM VALUE
    VALUES (${id}, ${number}, ${d.kind}, ${d.title}, ${d.orgUnitId}, ${d.contentSha256}, ${d.createdBy}, ${d.now})`.execute(db);
  return { id, number };
}

/** Records the delivered file's hash and size once its stream has ended. */
export async function completeDocument(db: Kysely<Database>, id: number, fileSha256: string, byteSize: number): Promise<void> {
  await db.updateTable('document').set({ file_sha256: fileSha256, byte_size: byteSize }).where('id', '=', id).execute();
}

const documentColumns = [
  'd.number',
  'd.kind',
  'd.title',
  'd.org_unit_id as orgUnitId',
  'o.name as orgName',
  'd.created_at as createdAt',
  'd.created_by as createdById',
  'u.display_name as createdByName',
  'u.username as createdByUsername',
  'd.content_sha256 as contentSha256',
  'd.file_sha256 as fileSha256',
  'd.byte_size as byteSize',
] as const;

/** A registered document, only if its org lies in the scope (otherwise undefined → 404). */
export async function findDocumentInScope(db: Kysely<Database>, scopePath: string, number: string) {
  return db
    .selectFrom('document as d')
    .innerJoin('org_unit as o', 'o.id', 'd.org_unit_id')
    .leftJoin('app_user as u', 'u.id', 'd.created_by')
    .select(documentColumns)
    .where('d.number', '=', number)
    .where('o.path', 'like', `${scopePath}%`)
    .executeTakeFirst();
}

/** Documents whose delivered bytes had this SHA-256 (normally one; the earliest first). */
export async function findDocumentsByFileHash(db: Kysely<Database>, fileSha256: string) {
  return db
    .selectFrom('document as d')
    .leftJoin('org_unit as o', 'o.id', 'd.org_unit_id')
    .select(['d.number', 'd.kind', 'd.title', 'o.name as orgName', 'd.created_at as createdAt'])
    .where('d.file_sha256', '=', fileSha256)
    .orderBy('d.id')
    .execute();
}
