// Pledge queries: templates and versions, campaigns and their signers, links, signatures, figures.
//
// Scope: templates and campaigns belong to an org unit; a caller sees those inside their subtree, and a
// campaign whose org unit is *above* them (a secretary sees the subdistrict's campaign) limited to the
// signers inside their subtree. Every count and list filters signers by `org_unit.path LIKE scope%`.
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database, PersonCategory } from '@qingfeng/db';
import { openIdNumber } from '@qingfeng/db';
import { postHeldOn, termInForceOn } from '../roster/queries.ts';
import { shanghaiYearRange } from './rules.ts';

type Db = Kysely<Database>;
const like = (path: string) => `${path}%`;

/** `id_number_enc` as the plain `idNumber` (stored encrypted, issue 11 item 15). */
function idNumberOf<T extends { id_number_enc: Uint8Array }>(db: Db, row: T): Omit<T, 'id_number_enc'> & { idNumber: string } {
  const { id_number_enc, ...rest } = row;
  return { ...rest, idNumber: openIdNumber(db, id_number_enc) };
}

// ---- templates and versions ----

export async function listTemplates(db: Db, scopePath: string) {
  return db
    .selectFrom('pledge_template as t')
    .innerJoin('org_unit as o', 'o.id', 't.org_unit_id')
    .select((eb) => [
      't.id',
      't.name',
      't.audience',
      'o.name as orgName',
      't.created_at as createdAt',
      eb.selectFrom('pledge_template_version as v').whereRef('v.template_id', '=', 't.id').select(sql<number>`count(*)::int`.as('n')).as('versions'),
      eb
        .selectFrom('pledge_template_version as v')
        .whereRef('v.template_id', '=', 't.id')
        .where('v.published_at', 'is not', null)
        .select(sql<number | null>`max(v.version_no)`.as('n'))
        .as('latestPublished'),
    ])
    .where('o.path', 'like', like(scopePath))
    .orderBy('t.id', 'desc')
    .execute();
}

export async function findTemplate(db: Db, scopePath: string, id: number) {
  return db
    .selectFrom('pledge_template as t')
    .innerJoin('org_unit as o', 'o.id', 't.org_unit_id')
    .select(['t.id', 't.name', 't.audience', 't.org_unit_id as orgUnitId', 'o.name as orgName', 't.created_at as createdAt'])
    .where('t.id', '=', id)
    .where('o.path', 'like', like(scopePath))
    .executeTakeFirst();
}

const versionColumns = [
  'v.id',
  /** The row's edit counter (finding 6), not the template's version number (versionNo). */
  'v.version',
  'v.template_id as templateId',
  'v.version_no as versionNo',
  'v.title',
  'v.paragraphs',
  'v.note',
  'v.published_at as publishedAt',
  'v.created_at as createdAt',
  'v.updated_at as updatedAt',
] as const;

export async function listVersions(db: Db, templateId: number) {
  return db.selectFrom('pledge_template_version as v').select(versionColumns).where('v.template_id', '=', templateId).orderBy('v.version_no', 'desc').execute();
}

/** A version with its template, only when the template is in scope (or above it, for signers). */
export async function findVersion(db: Db, scopePath: string, id: number) {
  return db
    .selectFrom('pledge_template_version as v')
    .innerJoin('pledge_template as t', 't.id', 'v.template_id')
    .innerJoin('org_unit as o', 'o.id', 't.org_unit_id')
    .select([...versionColumns, 't.name as templateName', 't.org_unit_id as orgUnitId'])
    .where('v.id', '=', id)
    .where('o.path', 'like', like(scopePath))
    .executeTakeFirst();
}

export async function insertTemplate(db: Db, t: { orgUnitId: number; name: string; audience: string; createdBy: number | null; now: Date }) {
  return db
    .insertInto('pledge_template')
    .values({ org_unit_id: t.orgUnitId, name: t.name, audience: t.audience, created_by: t.createdBy, created_at: t.now })
    .returning('id')
    .executeTakeFirstOrThrow();
}

export async function insertVersion(db: Db, v: { templateId: number; title: string; paragraphs: string[]; note: string; createdBy: number | null; now: Date; publish?: boolean }) {
  const { n } = await db
    .selectFrom('pledge_template_version')
    .select(sql<number>`coalesce(max(version_no), 0)::int`.as('n'))
    .where('template_id', '=', v.templateId)
    .executeTakeFirstOrThrow();
  return db
    .insertInto('pledge_template_version')
    .values({
      template_id: v.templateId,
      version_no: n + 1,
      title: v.title,
      paragraphs: v.paragraphs,
      note: v.note,
      published_at: v.publish ? v.now : null,
      created_by: v.createdBy,
      created_at: v.now,
      updated_at: v.now,
    })
    .returning(['id', 'version_no as versionNo'])
    .executeTakeFirstOrThrow();
}

export async function updateDraftVersion(db: Db, id: number, v: { title: string; paragraphs: string[]; note: string; now: Date }) {
  await db
    .updateTable('pledge_template_version')
    .set({ title: v.title, paragraphs: v.paragraphs, note: v.note, updated_at: v.now })
    .where('id', '=', id)
    .where('published_at', 'is', null)
    .execute();
}

export async function publishVersion(db: Db, id: number, now: Date) {
  await db.updateTable('pledge_template_version').set({ published_at: now, updated_at: now }).where('id', '=', id).where('published_at', 'is', null).execute();
}

export async function deleteDraftVersion(db: Db, id: number) {
  await db.deleteFrom('pledge_template_version').where('id', '=', id).where('published_at', 'is', null).execute();
}

// ---- campaigns ----

/**
 * The campaign is in the caller's subtree (they may run it), or above it (they see their own signers).
 * `o` is the campaign's org unit.
 */
function campaignVisible(scopePath: string): RawBuilder<boolean> {
  return sql<boolean>`(o.path LIKE ${like(scopePath)} OR ${scopePath} LIKE o.path || '%')`;
}

/** Signers' status counts of a campaign within a scope, as SQL over pledge_signer `ps` joined to its person's org `po`. */
// Signed = the current (not superseded) signature is on the campaign's version or a newer one of the
// same template (a campaign moved to a newer version needs new signatures from everyone else).
const signedNow = sql<boolean>`EXISTS (
  SELECT 1 FROM pledge_signature g
  JOIN pledge_template_version gv ON gv.id = g.template_version_id
  JOIN pledge_template_version cv ON cv.id = c.template_version_id
  WHERE g.campaign_id = ps.campaign_id AND g.person_id = ps.person_id AND gv.version_no >= cv.version_no
    AND NOT EXISTS (SELECT 1 FROM pledge_signature n WHERE n.supersedes_id = g.id))`;

export interface StatusCounts {
  total: number;
  signed: number;
  pending: number;
  overdue: number;
}

export async function listCampaigns(db: Db, scopePath: string, today: string, f: { year?: number | undefined; q?: string | undefined }) {
  const r = await sql<{
    id: number;
    title: string;
    orgUnitId: number;
    orgName: string;
    orgPath: string;
    startDate: string;
    dueDate: string;
    closedAt: Date | null;
    templateName: string;
    versionNo: number;
    total: number;
    signed: number;
    pending: number;
    overdue: number;
  }>`
    SELECT c.id, c.title, c.org_unit_id AS "orgUnitId", o.name AS "orgName", o.path AS "orgPath",
           c.start_date AS "startDate", c.due_date AS "dueDate", c.closed_at AS "closedAt",
           t.name AS "templateName", v.version_no AS "versionNo",
           coalesce(s.total, 0)::int AS total, coalesce(s.signed, 0)::int AS signed,
           coalesce(s.pending, 0)::int AS pending, coalesce(s.overdue, 0)::int AS overdue
    FROM pledge_campaign c
    JOIN org_unit o ON o.id = c.org_unit_id
    JOIN pledge_template_version v ON v.id = c.template_version_id
    JOIN pledge_template t ON t.id = v.template_id
    LEFT JOIN LATERAL (
      SELECT count(*) AS total,
             count(*) FILTER (WHERE x.signed) AS signed,
             count(*) FILTER (WHERE NOT x.signed AND ${today}::date <= c.due_date) AS pending,
             count(*) FILTER (WHERE NOT x.signed AND ${today}::date > c.due_date) AS overdue
      FROM (SELECT ${signedNow} AS signed
            FROM pledge_signer ps JOIN person p ON p.id = ps.person_id JOIN org_unit po ON po.id = p.org_unit_id
            WHERE ps.campaign_id = c.id AND po.path LIKE ${like(scopePath)}) x
    ) s ON true
    WHERE ${campaignVisible(scopePath)}
      ${f.year ? sql`AND extract(year FROM c.start_date) = ${f.year}` : sql``}
      ${f.q ? sql`AND c.title ILIKE ${`%${f.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`}` : sql``}
    ORDER BY c.start_date DESC, c.id DESC`.execute(db);
  return r.rows;
}

export async function findCampaign(db: Db, scopePath: string, id: number) {
  const r = await sql<{
    id: number;
    title: string;
    orgUnitId: number;
    orgName: string;
    orgPath: string;
    startDate: string;
    dueDate: string;
    closedAt: Date | null;
    templateId: number;
    templateName: string;
    templateVersionId: number;
    versionNo: number;
    versionTitle: string;
    paragraphs: string[];
    createdAt: Date;
    version: number;
  }>`
    SELECT c.id, c.title, c.org_unit_id AS "orgUnitId", o.name AS "orgName", o.path AS "orgPath",
           c.start_date AS "startDate", c.due_date AS "dueDate", c.closed_at AS "closedAt",
           t.id AS "templateId", t.name AS "templateName", v.id AS "templateVersionId", v.version_no AS "versionNo",
           v.title AS "versionTitle", v.paragraphs, c.created_at AS "createdAt", c.version
    FROM pledge_campaign c
    JOIN org_unit o ON o.id = c.org_unit_id
    JOIN pledge_template_version v ON v.id = c.template_version_id
    JOIN pledge_template t ON t.id = v.template_id
    WHERE c.id = ${id} AND ${campaignVisible(scopePath)}`.execute(db);
  return r.rows[0];
}

export type CampaignRow = NonNullable<Awaited<ReturnType<typeof findCampaign>>>;

export async function insertCampaign(
  db: Db,
  c: { orgUnitId: number; templateVersionId: number; title: string; startDate: string; dueDate: string; createdBy: number | null; now: Date },
) {
  return db
    .insertInto('pledge_campaign')
    .values({
      org_unit_id: c.orgUnitId,
      template_version_id: c.templateVersionId,
      title: c.title,
      start_date: c.startDate,
      due_date: c.dueDate,
      created_by: c.createdBy,
      created_at: c.now,
      updated_at: c.now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
}

export async function updateCampaign(
  db: Db,
  id: number,
  c: { title?: string; dueDate?: string; templateVersionId?: number; closedAt?: Date | null; now: Date },
) {
  await db
    .updateTable('pledge_campaign')
    .set({
      ...(c.title !== undefined && { title: c.title }),
      ...(c.dueDate !== undefined && { due_date: c.dueDate }),
      ...(c.templateVersionId !== undefined && { template_version_id: c.templateVersionId }),
      ...(c.closedAt !== undefined && { closed_at: c.closedAt }),
      updated_at: c.now,
    })
    .where('id', '=', id)
    .execute();
}

// ---- choosing signers ----

export interface SignerFilter {
  /** Current 两委 members (posts held today in a term in force) in the campaign's subtree. */
  committeeMembers?: 'all' | 'party' | 'residents' | 'principals' | undefined;
  /** People of these 身份类别 in the subtree (e.g. civil_servant = 机关干部). */
  categories?: PersonCategory[] | undefined;
  /** Only people of these org units (villages). */
  orgIds?: number[] | undefined;
}

/** The persons a filter selects, inside the campaign's org subtree. */
export async function matchSigners(db: Db, orgPath: string, filter: SignerFilter, today: string, limit = 5000) {
  const { committeeMembers, categories, orgIds } = filter;
  if (!committeeMembers && !categories?.length) return [];
  const postFilter =
    committeeMembers === 'party'
      ? sql`AND cp.committee = 'party'`
      : committeeMembers === 'residents'
        ? sql`AND cp.committee = 'residents'`
        : committeeMembers === 'principals'
          ? sql`AND ((cp.committee = 'party' AND cp.position = 'secretary') OR (cp.committee = 'residents' AND cp.position = 'director'))`
          : sql``;
  const member = committeeMembers
    ? sql`EXISTS (SELECT 1 FROM post cp JOIN term ct ON ct.id = cp.term_id JOIN org_unit co ON co.id = cp.org_unit_id
                  WHERE cp.person_id = p.id AND co.path LIKE ${like(orgPath)} AND ${postHeldOn('cp', today)} AND ${termInForceOn('ct', today)} ${postFilter})`
    : sql`false`;
  const category = categories?.length ? sql`p.category IN (${sql.join(categories)})` : sql`false`;
  const r = await sql<{ id: number; name: string; orgUnitId: number; orgName: string; category: PersonCategory }>`
    SELECT p.id, p.name, p.org_unit_id AS "orgUnitId", o.name AS "orgName", p.category
    FROM person p JOIN org_unit o ON o.id = p.org_unit_id
    WHERE o.path LIKE ${like(orgPath)} AND (${member} OR ${category})
      ${orgIds?.length ? sql`AND p.org_unit_id IN (${sql.join(orgIds)})` : sql``}
    ORDER BY o.path, p.name, p.id
    LIMIT ${limit}`.execute(db);
  return r.rows;
}

/** Adds signers (ignoring those already in); only persons inside the campaign's subtree. Returns how many were added. */
export async function addSigners(db: Db, campaignId: number, orgPath: string, personIds: number[], addedBy: number | null, now: Date): Promise<number> {
  let added = 0;
  for (let i = 0; i < personIds.length; i += 1000) {
    const batch = personIds.slice(i, i + 1000);
    const r = await sql`
      INSERT INTO pledge_signer (campaign_id, person_id, added_at, added_by)
      SELECT ${campaignId}, p.id, ${now}, ${addedBy}
      FROM person p JOIN org_unit o ON o.id = p.org_unit_id
      WHERE p.id IN (${sql.join(batch)}) AND o.path LIKE ${like(orgPath)}
      ON CONFLICT DO NOTHING`.execute(db);
    added += Number(r.numAffectedRows ?? 0);
  }
  return added;
}

export async function hasSignatures(db: Db, campaignId: number, personId: number) {
  const r = await db.selectFrom('pledge_signature').select('id').where('campaign_id', '=', campaignId).where('person_id', '=', personId).executeTakeFirst();
  return r !== undefined;
}

export async function removeSigner(db: Db, campaignId: number, personId: number) {
  await db.deleteFrom('pledge_link').where('campaign_id', '=', campaignId).where('person_id', '=', personId).execute();
  const r = await db.deleteFrom('pledge_signer').where('campaign_id', '=', campaignId).where('person_id', '=', personId).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** A signer of the campaign inside the scope, with what signing needs (never sent to a client as is). */
export async function findSigner(db: Db, scopePath: string, campaignId: number, personId: number) {
  const r = await sql<{ personId: number; name: string; id_number_enc: Uint8Array; orgUnitId: number; orgName: string; hasAccount: boolean }>`
    SELECT p.id AS "personId", p.name, p.id_number_enc, p.org_unit_id AS "orgUnitId", o.name AS "orgName",
           EXISTS (SELECT 1 FROM app_user u WHERE u.person_id = p.id AND NOT u.disabled) AS "hasAccount"
    FROM pledge_signer ps JOIN person p ON p.id = ps.person_id JOIN org_unit o ON o.id = p.org_unit_id
    WHERE ps.campaign_id = ${campaignId} AND ps.person_id = ${personId} AND o.path LIKE ${like(scopePath)}`.execute(db);
  return r.rows[0] && idNumberOf(db, r.rows[0]);
}


// ---- literals for statements whose plan depends on the values ----

function checkedInt(n: number): number {
  if (!Number.isInteger(n) || n < 0 || n > 2_147_483_647) throw new Error(`not an id: ${n}`);
  return n;
}

/** `path LIKE '<scope>%'` material: a materialised path of digits and slashes only. */
function literalPath(path: string) {
  if (!/^\/(\d+\/)*$/.test(path)) throw new Error(`not an org path: ${path}`);
  return sql.lit(`${path}%`);
}

function literalDate(d: string) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) throw new Error(`not a date: ${d}`);
  return sql`${sql.lit(d)}::date`;
}

// ---- dashboard ----

export type ProgressRow = { orgUnitId: number; orgName: string; total: number; signed: number; pending: number; overdue: number };

/**
 * The dashboard in ONE statement: the campaign as the caller sees it (the columns of findCampaign) and
 * its progress by org unit, shaped as JSON in the statement. Undefined when the campaign is not visible.
 * The campaign's version comes from the campaign row itself, so no second round trip is needed.
 */
export function campaignDashboardQuery(scopePath: string, id: number, today: string) {
  const path = literalPath(scopePath);
  const cid = sql.lit(checkedInt(id));
  const day = literalDate(today);
  return sql<CampaignRow & { byOrg: ProgressRow[] | null }>`
    WITH camp AS (
      SELECT c.id, c.title, c.org_unit_id AS "orgUnitId", o.name AS "orgName", o.path AS "orgPath",
             c.start_date AS "startDate", c.due_date AS "dueDate", c.closed_at AS "closedAt",
             t.id AS "templateId", t.name AS "templateName", v.id AS "templateVersionId", v.version_no AS "versionNo",
             v.title AS "versionTitle", v.paragraphs, c.created_at AS "createdAt"
      FROM pledge_campaign c
      JOIN org_unit o ON o.id = c.org_unit_id
      JOIN pledge_template_version v ON v.id = c.template_version_id
      JOIN pledge_template t ON t.id = v.template_id
      WHERE c.id = ${cid} AND ${campaignVisible(scopePath)}
    ), cur AS (
      SELECT g.person_id
      FROM pledge_signature g
      WHERE g.campaign_id = ${cid}
        AND g.template_version_id IN (
          SELECT v.id FROM pledge_template_version v JOIN camp ON v.template_id = camp."templateId" AND v.version_no >= camp."versionNo")
        AND NOT EXISTS (SELECT 1 FROM pledge_signature n WHERE n.supersedes_id = g.id)
    ), agg AS (
      SELECT p.org_unit_id, count(*)::int AS total, count(cur.person_id)::int AS signed
      FROM pledge_signer ps
      JOIN person p ON p.id = ps.person_id
      JOIN org_unit po ON po.id = p.org_unit_id
      LEFT JOIN cur ON cur.person_id = ps.person_id
      WHERE ps.campaign_id = ${cid} AND po.path LIKE ${path}
      GROUP BY p.org_unit_id
    )
    SELECT camp.*,
      (SELECT json_agg(json_build_object('orgUnitId', o.id, 'orgName', o.name, 'total', agg.total, 'signed', agg.signed,
                         'pending', CASE WHEN ${day} <= camp."dueDate" THEN agg.total - agg.signed ELSE 0 END,
                         'overdue', CASE WHEN ${day} > camp."dueDate" THEN agg.total - agg.signed ELSE 0 END)
                       ORDER BY string_to_array(btrim(o.path, '/'), '/')::int[])
       FROM agg JOIN org_unit o ON o.id = agg.org_unit_id) AS "byOrg"
    FROM camp`;
}

/**
 * Signed / pending / overdue per org unit of the signers (villages, 街道机关) and in total: the
 * campaign's current signatures are found once (anti-join on supersedes_id) and joined to the signers,
 * rather than probed per signer — the dashboard of a 300,000-signer campaign.
 */
export async function campaignDashboard(db: Db, scopePath: string, id: number, today: string) {
  const row = (await campaignDashboardQuery(scopePath, id, today).execute(db)).rows[0];
  if (!row) return undefined;
  const { byOrg, ...campaign } = row;
  const rows = byOrg ?? [];
  const total = rows.reduce<StatusCounts>(
    (t, r) => ({ total: t.total + r.total, signed: t.signed + r.signed, pending: t.pending + r.pending, overdue: t.overdue + r.overdue }),
    { total: 0, signed: 0, pending: 0, overdue: 0 },
  );
  return { campaign: campaign as CampaignRow, progress: { byOrg: rows, total } };
}

export interface SignerListFilter {
  status?: 'signed' | 'pending' | 'overdue' | undefined;
  orgId?: number | undefined;
  q?: string | undefined;
  page: number;
  pageSize: number;
}

/** The signer list of a campaign in scope: status, latest signature, link state; paginated. */
export async function listCampaignSigners(db: Db, scopePath: string, campaign: { id: number; dueDate: string }, today: string, f: SignerListFilter) {
  const statusSql = sql<string>`CASE WHEN x.signed THEN 'signed' WHEN ${today}::date > ${campaign.dueDate}::date THEN 'overdue' ELSE 'pending' END`;
  const where = sql`
    ${f.orgId ? sql`AND x.org_unit_id = ${f.orgId}` : sql``}
    ${f.q ? sql`AND x.name ILIKE ${`%${f.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`}` : sql``}
    ${f.status ? sql`AND ${statusSql} = ${f.status}` : sql``}`;
  const base = sql`
    SELECT p.id AS person_id, p.name, p.category, po.id AS org_unit_id, po.name AS org_name, po.path AS org_path, ps.added_at,
           ${signedNow} AS signed,
           EXISTS (SELECT 1 FROM app_user u WHERE u.person_id = p.id AND NOT u.disabled) AS has_account
    FROM pledge_signer ps
    JOIN pledge_campaign c ON c.id = ps.campaign_id
    JOIN person p ON p.id = ps.person_id
    JOIN org_unit po ON po.id = p.org_unit_id
    WHERE ps.campaign_id = ${campaign.id} AND po.path LIKE ${like(scopePath)}`;
  const count = await sql<{ n: number }>`SELECT count(*)::int AS n FROM (${base}) x WHERE true ${where}`.execute(db);
  const rows = await sql<{
    personId: number;
    name: string;
    category: PersonCategory;
    orgUnitId: number;
    orgName: string;
    status: 'signed' | 'pending' | 'overdue';
    hasAccount: boolean;
    addedAt: Date;
    signatureId: number | null;
    signedAt: Date | null;
    verificationCode: string | null;
    versionNo: number | null;
    authMethod: 'password' | 'link' | null;
    linkExpiresAt: Date | null;
    linkRevokedAt: Date | null;
    linkVoidedAt: Date | null;
    linkUsedAt: Date | null;
    linkCreatedAt: Date | null;
  }>`
    SELECT x.person_id AS "personId", x.name, x.category, x.org_unit_id AS "orgUnitId", x.org_name AS "orgName",
           ${statusSql} AS status, x.has_account AS "hasAccount", x.added_at AS "addedAt",
           g.id AS "signatureId", g.signed_at AS "signedAt", g.verification_code AS "verificationCode", gv.version_no AS "versionNo",
           g.auth_method AS "authMethod",
           l.expires_at AS "linkExpiresAt", l.revoked_at AS "linkRevokedAt", l.voided_at AS "linkVoidedAt", l.used_at AS "linkUsedAt",
           l.created_at AS "linkCreatedAt"
    FROM (${base}) x
    LEFT JOIN LATERAL (
      SELECT s.* FROM pledge_signature s
      WHERE s.campaign_id = ${campaign.id} AND s.person_id = x.person_id
        AND NOT EXISTS (SELECT 1 FROM pledge_signature n WHERE n.supersedes_id = s.id)
    ) g ON true
    LEFT JOIN pledge_template_version gv ON gv.id = g.template_version_id
    LEFT JOIN LATERAL (
      SELECT * FROM pledge_link k WHERE k.campaign_id = ${campaign.id} AND k.person_id = x.person_id ORDER BY k.id DESC LIMIT 1
    ) l ON true
    WHERE true ${where}
    ORDER BY string_to_array(btrim(x.org_path, '/'), '/')::int[], x.name, x.person_id
    LIMIT ${f.pageSize} OFFSET ${(f.page - 1) * f.pageSize}`.execute(db);
  return { items: rows.rows, total: count.rows[0]!.n, page: f.page, pageSize: f.pageSize };
}

// ---- links ----

/** Revokes the signer's usable links and issues a new one (token hash given). */
export async function issueLink(db: Db, l: { campaignId: number; personId: number; tokenSha256: string; now: Date; expiresAt: Date; createdBy: number | null }) {
  await revokeLinks(db, l.campaignId, l.personId, l.now);
  return db
    .insertInto('pledge_link')
    .values({
      campaign_id: l.campaignId,
      person_id: l.personId,
      token_sha256: l.tokenSha256,
      created_at: l.now,
      expires_at: l.expiresAt,
      created_by: l.createdBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
}

export async function revokeLinks(db: Db, campaignId: number, personId: number, now: Date): Promise<number> {
  const r = await db
    .updateTable('pledge_link')
    .set({ revoked_at: now })
    .where('campaign_id', '=', campaignId)
    .where('person_id', '=', personId)
    .where('revoked_at', 'is', null)
    .where('voided_at', 'is', null)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Pending signers without an account in one org unit (the QR sheet). */
export async function qrSheetSigners(db: Db, scopePath: string, campaign: { id: number }, orgId: number) {
  const r = await sql<{ personId: number; name: string; orgName: string }>`
    SELECT p.id AS "personId", p.name, po.name AS "orgName"
    FROM pledge_signer ps
    JOIN pledge_campaign c ON c.id = ps.campaign_id
    JOIN person p ON p.id = ps.person_id
    JOIN org_unit po ON po.id = p.org_unit_id
    WHERE ps.campaign_id = ${campaign.id} AND po.id = ${orgId} AND po.path LIKE ${like(scopePath)}
      AND NOT ${signedNow}
      AND NOT EXISTS (SELECT 1 FROM app_user u WHERE u.person_id = p.id AND NOT u.disabled)
    ORDER BY p.name, p.id`.execute(db);
  return r.rows;
}

/** The link behind a token, with what the gate and the signing page need. Internal: holds the ID number. */
export async function findLinkByTokenHash(db: Db, tokenSha256: string) {
  const r = await sql<{
    id: number;
    campaignId: number;
    personId: number;
    expiresAt: Date;
    revokedAt: Date | null;
    voidedAt: Date | null;
    usedAt: Date | null;
    failedAttempts: number;
    id_number_enc: Uint8Array;
    name: string;
    campaignClosedAt: Date | null;
  }>`
    SELECT l.id, l.campaign_id AS "campaignId", l.person_id AS "personId", l.expires_at AS "expiresAt",
           l.revoked_at AS "revokedAt", l.voided_at AS "voidedAt", l.used_at AS "usedAt", l.failed_attempts AS "failedAttempts",
           p.id_number_enc, p.name, c.closed_at AS "campaignClosedAt"
    FROM pledge_link l JOIN person p ON p.id = l.person_id JOIN pledge_campaign c ON c.id = l.campaign_id
    WHERE l.token_sha256 = ${tokenSha256}`.execute(db);
  // The gate compares the last six characters: decrypting this one row is all it needs.
  return r.rows[0] && idNumberOf(db, r.rows[0]);
}

/** One more wrong suffix, atomically; voided when it reaches the limit. Returns the new count. */
export async function recordLinkFailure(db: Db, linkId: number, maxFailures: number, now: Date): Promise<{ failures: number; voided: boolean }> {
  const r = await sql<{ failures: number; voided: boolean }>`
    UPDATE pledge_link SET failed_attempts = failed_attempts + 1,
           voided_at = CASE WHEN failed_attempts + 1 >= ${maxFailures} THEN ${now}::timestamptz ELSE voided_at END
    WHERE id = ${linkId}
    RETURNING failed_attempts AS failures, voided_at IS NOT NULL AS voided`.execute(db);
  return r.rows[0]!;
}

export async function markLinkUsed(db: Db, linkId: number, now: Date) {
  await db.updateTable('pledge_link').set({ used_at: now }).where('id', '=', linkId).where('used_at', 'is', null).execute();
}

// ---- signatures ----

/** The signer's current (not superseded) signature in the campaign. */
export async function currentSignature(db: Db, campaignId: number, personId: number) {
  return db
    .selectFrom('pledge_signature as s')
    .innerJoin('pledge_template_version as v', 'v.id', 's.template_version_id')
    .select(['s.id', 's.template_version_id as templateVersionId', 'v.version_no as versionNo', 's.signed_at as signedAt', 's.verification_code as verificationCode'])
    .where('s.campaign_id', '=', campaignId)
    .where('s.person_id', '=', personId)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('pledge_signature as n').select('n.id').whereRef('n.supersedes_id', '=', 's.id'))))
    .executeTakeFirst();
}

const signatureSelect = sql`
  s.id, s.campaign_id AS "campaignId", s.person_id AS "personId", s.template_version_id AS "templateVersionId",
  s.org_unit_id AS "orgUnitId", s.org_name AS "orgName", so.path AS "orgPath", s.signer_name AS "signerName", s.signed_at AS "signedAt",
  s.ip, s.user_agent AS "userAgent", s.auth_method AS "authMethod", s.text_sha256 AS "textSha256", s.image_png AS "imagePng",
  s.image_sha256 AS "imageSha256", s.verification_code AS "verificationCode", s.verify_url AS "verifyUrl",
  s.supersedes_id AS "supersedesId",
  (SELECT n.id FROM pledge_signature n WHERE n.supersedes_id = s.id) AS "supersededById",
  s.document_id AS "documentId", d.number AS "documentNumber", d.content_sha256 AS "documentContentSha256", d.file_sha256 AS "documentFileSha256",
  s.campaign_title AS "campaignTitle", c.org_unit_id AS "campaignOrgUnitId", s.header_org_name AS "campaignOrgName",
  v.title, v.paragraphs, v.version_no AS "versionNo", t.name AS "templateName"`;

export interface SignatureRecord {
  id: number;
  campaignId: number;
  personId: number;
  templateVersionId: number;
  orgUnitId: number;
  orgName: string;
  orgPath: string;
  signerName: string;
  signedAt: Date;
  ip: string | null;
  userAgent: string | null;
  authMethod: 'password' | 'link';
  textSha256: string;
  imagePng: Uint8Array;
  imageSha256: string;
  verificationCode: string;
  verifyUrl: string;
  supersedesId: number | null;
  supersededById: number | null;
  documentId: number;
  documentNumber: string;
  documentContentSha256: string;
  documentFileSha256: string | null;
  campaignTitle: string;
  campaignOrgUnitId: number;
  campaignOrgName: string;
  title: string;
  paragraphs: string[];
  versionNo: number;
  templateName: string;
}

const signatureFrom = sql`
  FROM pledge_signature s
  JOIN org_unit so ON so.id = s.org_unit_id
  JOIN document d ON d.id = s.document_id
  JOIN pledge_campaign c ON c.id = s.campaign_id
  JOIN pledge_template_version v ON v.id = s.template_version_id
  JOIN pledge_template t ON t.id = v.template_id`;

export async function findSignatureByCode(db: Db, code: string) {
  const r = await sql<SignatureRecord>`SELECT ${signatureSelect} ${signatureFrom} WHERE s.verification_code = ${code}`.execute(db);
  return r.rows[0];
}

/** A signature whose signer's org (at signing) is in scope, or which the user signed themselves. */
export async function findSignatureInScope(db: Db, scopePath: string, id: number, ownPersonId: number | null) {
  const r = await sql<SignatureRecord>`
    SELECT ${signatureSelect} ${signatureFrom}
    WHERE s.id = ${id} AND (so.path LIKE ${like(scopePath)} OR s.person_id = ${ownPersonId ?? -1})`.execute(db);
  return r.rows[0];
}

/** Current signatures of a campaign in scope, in village and name order (the combined PDF). */
export async function campaignSignatures(db: Db, scopePath: string, campaignId: number, limit: number) {
  const r = await sql<SignatureRecord>`
    SELECT ${signatureSelect} ${signatureFrom}
    WHERE s.campaign_id = ${campaignId} AND so.path LIKE ${like(scopePath)}
      AND NOT EXISTS (SELECT 1 FROM pledge_signature n WHERE n.supersedes_id = s.id)
    ORDER BY string_to_array(btrim(so.path, '/'), '/')::int[], s.signer_name, s.id
    LIMIT ${limit}`.execute(db);
  return r.rows;
}

// ---- what a signer has to sign ----

/** Open campaigns the person is a signer of and has not signed on the current version. */
export async function pendingForPerson(db: Db, personId: number) {
  const r = await sql<{ campaignId: number; title: string; dueDate: string; orgName: string; versionNo: number; resign: boolean }>`
    SELECT c.id AS "campaignId", c.title, c.due_date AS "dueDate", o.name AS "orgName", v.version_no AS "versionNo",
           EXISTS (SELECT 1 FROM pledge_signature g WHERE g.campaign_id = c.id AND g.person_id = ps.person_id) AS resign
    FROM pledge_signer ps
    JOIN pledge_campaign c ON c.id = ps.campaign_id
    JOIN org_unit o ON o.id = c.org_unit_id
    JOIN pledge_template_version v ON v.id = c.template_version_id
    WHERE ps.person_id = ${personId} AND c.closed_at IS NULL AND NOT ${signedNow}
    ORDER BY c.due_date, c.id`.execute(db);
  return r.rows;
}

/** The person's signatures (current ones), newest first. */
export async function signaturesOfPerson(db: Db, personId: number) {
  const r = await sql<{ id: number; campaignId: number; campaignTitle: string; signedAt: Date; verificationCode: string; versionNo: number }>`
    SELECT s.id, s.campaign_id AS "campaignId", c.title AS "campaignTitle", s.signed_at AS "signedAt",
           s.verification_code AS "verificationCode", v.version_no AS "versionNo"
    FROM pledge_signature s JOIN pledge_campaign c ON c.id = s.campaign_id JOIN pledge_template_version v ON v.id = s.template_version_id
    WHERE s.person_id = ${personId} AND NOT EXISTS (SELECT 1 FROM pledge_signature n WHERE n.supersedes_id = s.id)
    ORDER BY s.signed_at DESC`.execute(db);
  return r.rows;
}

// ---- figures (domain.md §7) ----

/**
 * The signatures counted as pledges signed in a year: per signer per campaign one 份, the first
 * signature of the chain (supersedes_id IS NULL — a re-signature supersedes and never adds), signed in
 * the Asia/Shanghai year, by a signer whose org unit at signing is in the subtree of `orgPath`.
 */
function countedSignatures(orgPath: string, year: number) {
  const { start, end } = shanghaiYearRange(year);
  return sql`
    FROM pledge_signature s
    JOIN org_unit so ON so.id = s.org_unit_id
    JOIN pledge_campaign c ON c.id = s.campaign_id
    LEFT JOIN LATERAL (
      SELECT vu.id, vu.name, vu.path FROM org_unit vu
      WHERE so.path LIKE vu.path || '%' AND vu.kind IN ('village', 'community')
      ORDER BY length(vu.path) DESC LIMIT 1
    ) vil ON true
    WHERE s.supersedes_id IS NULL AND s.signed_at >= ${start} AND s.signed_at < ${end}
      AND so.path LIKE ${like(orgPath)}`;
}

export async function pledgeFigures(db: Db, orgPath: string, year: number) {
  const from = countedSignatures(orgPath, year);
  const byVillage = await sql<{ orgUnitId: number; orgName: string; pledgesSigned: number }>`
    SELECT coalesce(vil.id, so.id) AS "orgUnitId", min(coalesce(vil.name, so.name)) AS "orgName", count(*)::int AS "pledgesSigned"
    ${from}
    GROUP BY coalesce(vil.id, so.id), coalesce(vil.path, so.path)
    ORDER BY string_to_array(btrim(coalesce(vil.path, so.path), '/'), '/')::int[]`.execute(db);
  const byCampaign = await sql<{ campaignId: number; title: string; pledgesSigned: number }>`
    SELECT c.id AS "campaignId", min(c.title) AS title, count(*)::int AS "pledgesSigned"
    ${from}
    GROUP BY c.id ORDER BY c.id`.execute(db);
  const total = byCampaign.rows.reduce((n, r) => n + r.pledgesSigned, 0);
  return { pledgesSigned: total, byVillage: byVillage.rows, byCampaign: byCampaign.rows };
}

/** The drill-down: exactly the signatures pledgeFigures counts (same filter), optionally one village or campaign. */
export async function pledgeFigureRecords(
  db: Db,
  orgPath: string,
  year: number,
  f: { orgId?: number | undefined; campaignId?: number | undefined; page: number; pageSize: number },
) {
  const from = countedSignatures(orgPath, year);
  const where = sql`
    ${f.orgId ? sql`AND coalesce(vil.id, so.id) = ${f.orgId}` : sql``}
    ${f.campaignId ? sql`AND c.id = ${f.campaignId}` : sql``}`;
  const count = await sql<{ n: number }>`SELECT count(*)::int AS n ${from} ${where}`.execute(db);
  const rows = await sql<{
    id: number;
    signerName: string;
    orgName: string;
    campaignId: number;
    campaignTitle: string;
    signedAt: Date;
    verificationCode: string;
    superseded: boolean;
  }>`
    SELECT s.id, s.signer_name AS "signerName", coalesce(vil.name, so.name) AS "orgName", c.id AS "campaignId", c.title AS "campaignTitle",
           s.signed_at AS "signedAt", s.verification_code AS "verificationCode",
           EXISTS (SELECT 1 FROM pledge_signature n WHERE n.supersedes_id = s.id) AS superseded
    ${from} ${where}
    ORDER BY s.signed_at, s.id
    LIMIT ${f.pageSize} OFFSET ${(f.page - 1) * f.pageSize}`.execute(db);
  return { items: rows.rows, total: count.rows[0]!.n, page: f.page, pageSize: f.pageSize };
}
