// `pnpm demo`: a demo subdistrict (青岚街道, fictional) with twenty villages and communities, two
// terms each, whose current term reproduces the reference report's paragraph (七) exactly, plus a
// few demo users. Written through the roster's own insert functions and checked with its rules,
// in one transaction, with an audit event for every object.
import type { Kysely } from 'kysely';
import type { Committee, Database, Position, Role } from '@qingfeng/db';
import { recordAuditEvent, type AuditActor, type AuditInput } from '../audit/queries.ts';
import { hashPassword } from '../auth/tokens.ts';
import type { Clock } from '../context.ts';
import { insertOrg, renameOrg } from '../modules/orgs/queries.ts';
import { insertUser } from '../modules/users/queries.ts';
import { idChecksumChar } from '../modules/roster/identity.ts';
import { insertPerson, insertPost, insertTerm } from '../modules/roster/queries.ts';
import { joinProblems, personProblems, postProblems, termProblems, todayInShanghai, type PostSpan, type TermSpan } from '../modules/roster/rules.ts';
import { seedPledgeDemo } from './pledges.ts';
import { DEMO_PEOPLE, DEMO_POSTS, DEMO_VILLAGES } from './data.ts';
import { seedDiscipline } from './discipline.ts';
import { seedDemoDecisions } from './decisions.ts';

/** The one password of every demo account (documented in the README). */
export const DEMO_PASSWORD = 'Qingfeng@2021';
export const DEMO_SUBDISTRICT = '青岚街道';
/** The root's name when nobody chose one (bootstrap.ts): only then is it renamed for the demo. */
const DEFAULT_ROOT_NAME = '街道党工委';

export const DEMO_ACCOUNTS: readonly { username: string; displayName: string; role: Role; what: string }[] = [
  { username: 'dangjianban', displayName: '街道党建办', role: 'org_office', what: '党建办：花名册、届次、班子结构分析' },
  { username: 'jijian', displayName: '街道纪工委', role: 'inspector', what: '纪检' },
  { username: 'shenji', displayName: '审计巡察组', role: 'auditor', what: '审计/巡察：只读，可导出' },
  { username: 'cunshuji', displayName: '柳河村书记', role: 'secretary', what: '村书记：只看柳河村' },
];

/** Fictional region code: no province has the prefix 99, so no demo ID number can be a real one. */
const DEMO_REGION = '990101';

/** A valid ID number for the demo person with this index (order code odd for men, even for women). */
export function demoIdNumber(index: number, birthDate: string, gender: 'male' | 'female'): string {
  const order = (10 + index) * 2 + (gender === 'male' ? 1 : 0);
  const first17 = `${DEMO_REGION}${birthDate.replaceAll('-', '')}${String(order).padStart(3, '0')}`;
  return first17 + idChecksumChar(first17);
}

const SYSTEM: AuditActor = { userId: null, username: 'system', displayName: '演示数据', role: null, ip: null, userAgent: null };

export type SeedDemoResult =
  | { seeded: true; rootOrgId: number; people: number; posts: number }
  | { seeded: false; reason: 'already_seeded' | 'not_empty' };

async function isSeeded(db: Kysely<Database>): Promise<SeedDemoResult | null> {
  const user = await db.selectFrom('app_user').select('id').where('username', '=', DEMO_ACCOUNTS[0]!.username).executeTakeFirst();
  if (user) return { seeded: false, reason: 'already_seeded' };
  // Never mix demo people into a database that already holds villages.
  const village = await db.selectFrom('org_unit').select('id').where('kind', 'in', ['village', 'community']).limit(1).executeTakeFirst();
  if (village) return { seeded: false, reason: 'not_empty' };
  return null;
}

/**
 * Seeds the demo data on a database that has its root org unit (ensureFirstStart) and no villages.
 * Idempotent: on an already-seeded (or non-empty) database it does nothing.
 */
export async function seedDemo(db: Kysely<Database>, clock: Clock, log: (line: string) => void = console.log): Promise<SeedDemoResult> {
  const skip = await isSeeded(db);
  if (skip) return skip;
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const now = clock.now();
  const today = todayInShanghai(now);

  const result = await db.transaction().execute(async (trx): Promise<SeedDemoResult> => {
    // Two processes starting at once: the second one finds the first one's work.
    const again = await isSeeded(trx);
    if (again) return again;
    const audit = (input: AuditInput) => recordAuditEvent(trx, SYSTEM, now, input);

    // ---- the subdistrict ----
    const root = await trx.selectFrom('org_unit').select(['id', 'name', 'kind', 'path']).where('parent_id', 'is', null).orderBy('id').executeTakeFirst();
    if (!root) throw new Error('seedDemo: no root org unit (run ensureFirstStart first)');
    let sub = root;
    if (root.kind === 'subdistrict') {
      if (root.name === DEFAULT_ROOT_NAME) {
        await renameOrg(trx, root.id, DEMO_SUBDISTRICT);
        await audit({ kind: 'org.renamed', objectType: 'org_unit', objectId: root.id, orgUnitId: root.id, details: { from: root.name, to: DEMO_SUBDISTRICT } });
      }
    } else {
      const created = await insertOrg(trx, { parentId: root.id, parentPath: root.path, kind: 'subdistrict', name: DEMO_SUBDISTRICT });
      await audit({ kind: 'org.created', objectType: 'org_unit', objectId: created.id, orgUnitId: created.id, details: { name: created.name, kind: created.kind } });
      sub = created;
    }

    // ---- villages and their two terms ----
    const villages: { id: number; current: TermSpan & { id: number }; previous: TermSpan & { id: number } }[] = [];
    for (const v of DEMO_VILLAGES) {
      const org = await insertOrg(trx, { parentId: sub.id, parentPath: sub.path, kind: v.kind, name: v.name });
      await audit({ kind: 'org.created', objectType: 'org_unit', objectId: org.id, orgUnitId: org.id, details: { name: org.name, kind: org.kind, parentId: sub.id } });
      const prevSpan: TermSpan = { ordinal: v.ordinal - 1, electionDate: v.previousElectionDate, startDate: v.previousElectionDate, endDate: v.electionDate };
      const curSpan: TermSpan = { ordinal: v.ordinal, electionDate: v.electionDate, startDate: v.electionDate, endDate: null };
      const problems = [...termProblems(prevSpan, []), ...termProblems(curSpan, [prevSpan])];
      if (problems.length) throw new Error(`demo term of ${v.name}: ${joinProblems(problems)}`);
      const terms: (TermSpan & { id: number })[] = [];
      for (const span of [prevSpan, curSpan]) {
        const term = await insertTerm(trx, { orgUnitId: org.id, ...span });
        await audit({ kind: 'term.created', objectType: 'term', objectId: term.id, orgUnitId: org.id, details: { ordinal: term.ordinal, startDate: term.start_date } });
        terms.push({ ...span, id: term.id });
      }
      villages.push({ id: org.id, previous: terms[0]!, current: terms[1]! });
    }

    // ---- people ----
    const personIds: number[] = [];
    for (const [index, [village, name, gender, birthDate, ethnicity, political, partyJoinDate, eduFullTime, eduHighest, veteran]] of DEMO_PEOPLE.entries()) {
      const idNumber = demoIdNumber(index, birthDate, gender);
      const checked = personProblems({ name, gender, idNumber, birthDate, partyJoinDate, educationFullTime: eduFullTime, educationHighest: eduHighest }, today);
      if (checked.problems.length) throw new Error(`demo person ${name}: ${joinProblems(checked.problems)}`);
      const orgId = villages[village]!.id;
      const id = await insertPerson(
        trx,
        {
          org_unit_id: orgId,
          name,
          gender,
          id_number: idNumber,
          birth_date: birthDate,
          ethnicity,
          political_status: political,
          party_join_date: partyJoinDate,
          education_full_time: eduFullTime,
          education_highest: eduHighest,
          phone: null,
          is_veteran: veteran,
        },
        now,
      );
      await audit({ kind: 'person.created', objectType: 'person', objectId: id, orgUnitId: orgId, details: { name } });
      personIds.push(id);
    }

    // ---- posts, checked against each other as the roster checks them ----
    const spans = new Map<number, PostSpan[]>();
    for (const [person, which, committee, position, startDate, endDate, endReason, how] of DEMO_POSTS) {
      const villageIndex = DEMO_PEOPLE[person]![0];
      const village = villages[villageIndex]!;
      const term = village[which];
      const personId = personIds[person]!;
      const name = DEMO_PEOPLE[person]![1];
      const span: PostSpan = {
        personKey: String(personId),
        personName: name,
        termId: term.id,
        committee: committee as Committee,
        position: position as Position,
        startDate,
        endDate,
        termEndDate: term.endDate,
      };
      const others = spans.get(village.id) ?? [];
      const problems = postProblems(span, { ordinal: term.ordinal, startDate: term.startDate, endDate: term.endDate }, others);
      if (problems.length) throw new Error(`demo post of ${name}: ${joinProblems(problems)}`);
      others.push(span);
      spans.set(village.id, others);
      const post = await insertPost(trx, {
        person_id: personId,
        org_unit_id: village.id,
        term_id: term.id,
        committee: committee as Committee,
        position: position as Position,
        start_date: startDate,
        end_date: endDate,
        end_reason: endReason,
        how,
      });
      await audit({
        kind: 'post.created',
        objectType: 'post',
        objectId: post.id,
        orgUnitId: village.id,
        details: { personId, name, termId: term.id, committee, position },
      });
    }

    // ---- discipline inspection (talks and sanctions, 2021 and a few current ones) ----
    await seedDiscipline(trx, { subdistrictId: sub.id, villageIds: villages.map((v) => v.id), personIds, audit, now, today });

    // ---- demo users ----
    // The village secretary account belongs to 柳河村 (the first village) and to its current secretary.
    const secretaryPost = DEMO_POSTS.find(([p, which, committee, position]) => which === 'current' && committee === 'party' && position === 'secretary' && DEMO_PEOPLE[p]![0] === 0)!;
    const userIds = new Map<string, number>();
    for (const a of DEMO_ACCOUNTS) {
      const isSecretary = a.role === 'secretary';
      const user = await insertUser(trx, {
        username: a.username,
        displayName: a.displayName,
        role: a.role,
        orgUnitId: isSecretary ? villages[0]!.id : sub.id,
        personId: isSecretary ? personIds[secretaryPost[0]]! : null,
        passwordHash,
        mustChangePassword: false,
        now,
      });
      await audit({ kind: 'user.created', objectType: 'user', objectId: user.id, orgUnitId: isSecretary ? villages[0]!.id : sub.id, details: { username: a.username, role: a.role } });
      userIds.set(a.username, user.id);
    }

    // ---- 三重一大 decisions (demo/decisions.ts) ----
    const currentSecretary = (villageIndex: number) =>
      DEMO_PEOPLE[DEMO_POSTS.find(([p, which, committee, position, , endDate]) => which === 'current' && committee === 'party' && position === 'secretary' && endDate === null && DEMO_PEOPLE[p]![0] === villageIndex)![0]]![1];
    await seedDemoDecisions(trx, audit, now, {
      subdistrictId: sub.id,
      officeUserId: userIds.get('dangjianban')!,
      secretaryUserId: userIds.get('cunshuji')!,
      villages: villages.map((v, i) => ({ id: v.id, name: DEMO_VILLAGES[i]!.name, secretary: currentSecretary(i) })),
      today,
    });
    // Integrity pledges: the 2021 campaign (200余份) and this year's open one (demo/pledges.ts).
    await seedPledgeDemo(trx, { sub: { id: sub.id, path: sub.path }, now, audit, pendingVillageId: villages[0]!.id });
    return { seeded: true, rootOrgId: sub.id, people: personIds.length, posts: DEMO_POSTS.length };
  });

  if (result.seeded) log(`[qingfeng] 已载入演示数据：${DEMO_SUBDISTRICT}，${DEMO_VILLAGES.length} 个村(社区)，${result.people} 人，两届班子。`);
  return result;
}

/** The demo accounts, for the console. */
export function demoAccountLines(): string[] {
  return [
    '────────────────────────────────────────────',
    ` 清风 Qingfeng 演示账号（密码均为 ${DEMO_PASSWORD}）：`,
    ...DEMO_ACCOUNTS.map((a) => `   ${a.username.padEnd(12)} ${a.what}`),
    '   admin        系统管理员（密码见首次启动时的提示或 QINGFENG_ADMIN_PASSWORD）',
    '────────────────────────────────────────────',
  ];
}
