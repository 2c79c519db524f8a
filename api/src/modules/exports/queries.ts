// The export centre: the `document` registry over the caller's scope, filtered and paginated in SQL.
import { sql, type Kysely } from 'kysely';
import type { Database } from '@qingfeng/db';

export interface DocumentFilter {
  scopePath: string;
  kind?: string | undefined;
  /** An org whose subtree is listed (must lie in the scope). */
  orgPath?: string | undefined;
  /** Part of the downloader's display or user name. */
  who?: string | undefined;
  /** Half-open Asia/Shanghai days. */
  from?: string | undefined;
  to?: string | undefined;
  page: number;
  pageSize: number;
}

export async function listDocuments(db: Kysely<Database>, f: DocumentFilter) {
  let q = db
    .selectFrom('document as d')
    .innerJoin('org_unit as o', 'o.id', 'd.org_unit_id')
    .leftJoin('app_user as u', 'u.id', 'd.created_by')
    .where('o.path', 'like', `${f.scopePath}%`);
  if (f.orgPath) q = q.where('o.path', 'like', `${f.orgPath}%`);
  if (f.kind) q = q.where('d.kind', '=', f.kind);
  if (f.who) {
    const like = `%${f.who.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    q = q.where((eb) => eb.or([eb('u.display_name', 'like', like), eb('u.username', 'like', like)]));
  }
  // Days are Beijing days: compare the timestamp shifted into Asia/Shanghai.
  if (f.from) q = q.where(sql<boolean>`(d.created_at AT TIME ZONE 'Asia/Shanghai')::date >= ${f.from}::date`);
  if (f.to) q = q.where(sql<boolean>`(d.created_at AT TIME ZONE 'Asia/Shanghai')::date < ${f.to}::date`);
  const [items, total, kinds] = await Promise.all([
    q
      .select(['d.id', 'd.number', 'd.kind', 'd.title', 'o.name as orgName', 'd.created_at as createdAt', 'u.display_name as createdByName', 'u.username as createdByUsername', 'd.content_sha256 as contentSha256', 'd.file_sha256 as fileSha256', 'd.byte_size as byteSize'])
      .orderBy('d.id', 'desc')
      .limit(f.pageSize)
      .offset((f.page - 1) * f.pageSize)
      .execute(),
    q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
    db.selectFrom('document as d').innerJoin('org_unit as o', 'o.id', 'd.org_unit_id').where('o.path', 'like', `${f.scopePath}%`).select('d.kind').distinct().orderBy('d.kind').execute(),
  ]);
  return { items, total: total.n, page: f.page, pageSize: f.pageSize, kinds: kinds.map((k) => k.kind) };
}
