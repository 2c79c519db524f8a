import { sql, type Kysely } from 'kysely';
import type { Database, OrgKind } from '@qingfeng/db';
import { childPath } from './rules.ts';

const orgColumns = ['id', 'parent_id', 'kind', 'name', 'path', 'sort_order', 'active', 'version'] as const;

/** Tree order: parents before children, siblings by id numerically ('/1/2/' before '/1/10/', unlike text order). */
export const treeOrder = sql<number[]>`string_to_array(btrim(path, '/'), '/')::int[]`;

export async function listOrgsInScope(db: Kysely<Database>, scopePath: string, options: { includeInactive?: boolean } = {}) {
  let q = db.selectFrom('org_unit').select(orgColumns).where('path', 'like', `${scopePath}%`);
  if (!options.includeInactive) q = q.where('active', '=', true);
  return q.orderBy(treeOrder).execute();
}

/** One org unit, only if it lies in the scope (otherwise undefined, which routes turn into 404). */
export async function findOrgInScope(db: Kysely<Database>, scopePath: string, id: number) {
  return db.selectFrom('org_unit').select(orgColumns).where('id', '=', id).where('path', 'like', `${scopePath}%`).executeTakeFirst();
}

export async function insertOrg(db: Kysely<Database>, o: { parentId: number | null; parentPath: string | null; kind: OrgKind; name: string }) {
  // The path embeds the id, which we only know after insert: take it from the sequence first.
  const { id } = await sql<{ id: number }>`SELECT nextval(pg_get_serial_sequence('org_unit', 'id'))::int AS id`
    .execute(db)
    .then((r) => r.rows[0]!);
  await sql`
    INSERT INTO org_unit (id, parent_id, kind, name, path)
    OVERRIDING SYSTEM VALUE
    VALUES (${id}, ${o.parentId}, ${o.kind}, ${o.name}, ${childPath(o.parentPath, id)})`.execute(db);
  return (await db.selectFrom('org_unit').select(orgColumns).where('id', '=', id).executeTakeFirstOrThrow());
}

/**
 * Many children under one parent, ≤ 1,000 rows a statement (a county's villages loaded at once; the
 * benchmark builds its province tree with it). Ids come from the sequence in input order; the caller
 * checks canContain(parent.kind, kind) as for a single insert. Returns the new ids in input order.
 */
export async function insertOrgChildren(db: Kysely<Database>, parent: { id: number; path: string }, children: readonly { kind: OrgKind; name: string; sortOrder: number }[]): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < children.length; i += 1000) {
    const chunk = children.slice(i, i + 1000);
    const r = await sql<{ id: number }>`
      WITH input AS (
        SELECT * FROM unnest(${chunk.map((c) => c.kind)}::text[], ${chunk.map((c) => c.name)}::text[], ${chunk.map((c) => c.sortOrder)}::int[])
          WITH ORDINALITY AS t(kind, name, sort_order, n)),
      numbered AS (SELECT nextval(pg_get_serial_sequence('org_unit', 'id'))::int AS id, kind, name, sort_order, n FROM (SELECT * FROM input ORDER BY n) x)
      INSERT INTO org_unit (id, parent_id, kind, name, path, sort_order) OVERRIDING SYSTEM VALUE
      SELECT id, ${parent.id}::int, kind, name, ${parent.path}::text || id || '/', sort_order FROM numbered ORDER BY n
      RETURNING id`.execute(db);
    ids.push(...r.rows.map((x) => x.id).sort((a, b) => a - b));
  }
  return ids;
}

export async function renameOrg(db: Kysely<Database>, id: number, name: string) {
  await db.updateTable('org_unit').set({ name }).where('id', '=', id).execute();
}

export async function setOrgActive(db: Kysely<Database>, id: number, active: boolean) {
  await db.updateTable('org_unit').set({ active }).where('id', '=', id).execute();
}

/** Re-roots a subtree: every descendant's path prefix changes with it. */
export async function moveOrg(db: Kysely<Database>, id: number, oldPath: string, newParentId: number, newParentPath: string) {
  const newPath = childPath(newParentPath, id);
  await db.updateTable('org_unit').set({ parent_id: newParentId }).where('id', '=', id).execute();
  await sql`
    UPDATE org_unit SET path = ${newPath} || substr(path, ${oldPath.length + 1})
    WHERE path LIKE ${`${oldPath}%`}`.execute(db);
  return newPath;
}

export async function countActiveChildren(db: Kysely<Database>, id: number) {
  const r = await db
    .selectFrom('org_unit')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('parent_id', '=', id)
    .where('active', '=', true)
    .executeTakeFirstOrThrow();
  return r.n;
}

export async function isOrgActive(db: Kysely<Database>, id: number) {
  const r = await db.selectFrom('org_unit').select('active').where('id', '=', id).executeTakeFirst();
  return r?.active ?? false;
}

/** The first top-level org unit (the deployment's root), if any. */
export async function findRootOrg(db: Kysely<Database>) {
  return db.selectFrom('org_unit').select(orgColumns).where('parent_id', 'is', null).orderBy('id').limit(1).executeTakeFirst();
}
