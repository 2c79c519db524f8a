import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { call, createOrg, createTestContext, createUserAndLogin, engineLabel, TEST_ORIGIN, type TestContext } from '../../testing/harness.ts';
import { personBody } from '../roster/test-helpers.ts';

let t: TestContext;
let village: number;
let otherVillage: number;
let office = '';
let auditor = '';
let secretary = '';
let otherSecretary = '';
const people: Record<string, number> = {};

interface ApiError {
  error: { code: string; message: string };
}
interface Member {
  id: number;
  person_id: number | null;
  name: string;
  role: 'member' | 'observer';
  is_principal: boolean;
  attendance: 'present' | 'absent' | null;
}
interface MeetingBody {
  meeting: { id: number; org_unit_id: number };
  members: Member[];
  items: { id: number; flags: { rule: string }[] }[];
}
interface ItemBody {
  item: { id: number; closed_at: string | null; flags: { rule: string; message: string; source: string }[]; outcome: string | null; votes_for: number | null };
  opinions: { member_id: number; position: number; opinion: string }[];
  amendments: { subject: string; reason: string }[];
  steps: { step: string }[];
  attachments: { id: number; media_type: string; sha256: string }[];
}

async function json<T>(res: Response | Promise<Response>): Promise<{ status: number; body: T & ApiError }> {
  const r = await res;
  return { status: r.status, body: (await r.json()) as T & ApiError };
}
const send = <T>(method: string, path: string, body?: object, cookie = office) => json<T>(call(t.app, method, path, { cookie, ...(body && { json: body }) }));
const get = <T>(path: string, cookie = office) => send<T>('GET', path, undefined, cookie);

let n = 300;
async function person(org: number, name: string) {
  const r = await send<{ person: { id: number } }>('POST', '/api/people', personBody(org, { name, n: n++ }));
  expect(r.status).toBe(201);
  people[name] = r.body.person.id;
  return r.body.person.id;
}

beforeAll(async () => {
  t = await createTestContext();
  village = (await createOrg(t, t.rootOrgId, 'village', '南村')).id;
  otherVillage = (await createOrg(t, t.rootOrgId, 'village', '北村')).id;
  office = (await createUserAndLogin(t, { username: 'office', role: 'org_office' })).cookie;
  auditor = (await createUserAndLogin(t, { username: 'auditor', role: 'auditor' })).cookie;
  secretary = (await createUserAndLogin(t, { username: 'sec', role: 'secretary', orgUnitId: village })).cookie;
  otherSecretary = (await createUserAndLogin(t, { username: 'sec2', role: 'secretary', orgUnitId: otherVillage })).cookie;
  // 南村: 书记 and 主任 the same person (一肩挑) from 2021-01-10; two party members; one residents' member.
  const term = await send<{ term: { id: number } }>('POST', '/api/terms', { orgUnitId: village, ordinal: 11, electionDate: '2021-01-10', startDate: '2021-01-10' });
  expect(term.status).toBe(201);
  const posts: [string, string, string][] = [
    ['王书记', 'party', 'secretary'],
    ['王书记', 'residents', 'director'],
    ['李副书记', 'party', 'deputy_secretary'],
    ['赵委员', 'party', 'member'],
    ['钱委员', 'residents', 'member'],
  ];
  for (const [name, committee, position] of posts) {
    const id = people[name] ?? (await person(village, name));
    const r = await send('POST', '/api/posts', { personId: id, termId: term.body.term.id, committee, position, startDate: '2021-01-10', how: 'elected' });
    expect(r.status).toBe(201);
  }
});
afterAll(async () => {
  await t?.close();
});

describe(`meetings and the roster (${engineLabel()})`, () => {
  it('prefills 应到 from the roster on the meeting date, with the secretary as principal', async () => {
    const party = await send<MeetingBody>('POST', '/api/decisions/meetings', { orgUnitId: village, kind: 'village_party', heldOn: '2021-03-05', heldTime: '09:00' });
    expect(party.status).toBe(201);
    expect(party.body.members.map((m) => m.name)).toEqual(['王书记', '李副书记', '赵委员']);
    expect(party.body.members.filter((m) => m.is_principal).map((m) => m.name)).toEqual(['王书记']);
    const joint = await send<MeetingBody>('POST', '/api/decisions/meetings', { orgUnitId: village, kind: 'joint_committees', heldOn: '2021-03-05' });
    // Both committees, each person once.
    expect(joint.body.members.map((m) => m.name)).toEqual(['王书记', '李副书记', '赵委员', '钱委员']);
    // Before the term: nobody.
    const early = await send<MeetingBody>('POST', '/api/decisions/meetings', { orgUnitId: village, kind: 'village_party', heldOn: '2021-01-09' });
    expect(early.body.members).toEqual([]);
  });

  it('refuses a 党工委会议 in a village and a village meeting in the subdistrict', async () => {
    expect((await send('POST', '/api/decisions/meetings', { orgUnitId: village, kind: 'subdistrict_committee', heldOn: '2021-03-05' })).status).toBe(400);
    expect((await send('POST', '/api/decisions/meetings', { orgUnitId: t.rootOrgId, kind: 'village_party', heldOn: '2021-03-05' })).status).toBe(400);
  });
});

/** A 党工委会议 with `n` members (the last is the principal), `present` of them present. */
async function subdistrictMeeting(heldOn: string, n: number, present: number) {
  const m = await send<MeetingBody>('POST', '/api/decisions/meetings', { orgUnitId: t.rootOrgId, kind: 'subdistrict_committee', heldOn, heldTime: '14:30', place: '街道会议室', chair: '孙书记' });
  expect(m.status).toBe(201);
  expect(m.body.members).toEqual([]);
  const members = Array.from({ length: n }, (_, i) => ({
    name: i === n - 1 ? '孙书记' : `委员${i + 1}`,
    title: i === n - 1 ? '党工委书记' : '党工委委员',
    role: 'member',
    isPrincipal: i === n - 1,
    attendance: i < present ? 'present' : 'absent',
    absenceReason: i < present ? '' : '外出学习',
  }));
  const r = await send<MeetingBody>('PUT', `/api/decisions/meetings/${m.body.meeting.id}/members`, { members: [...members, { name: '列席人', role: 'observer', attendance: 'present' }] });
  expect(r.status).toBe(200);
  return r.body;
}

async function item(meetingId: number, body: object) {
  const r = await send<ItemBody>('POST', '/api/decisions/items', { meetingId, ...body });
  expect(r.status).toBe(201);
  return r.body.item.id;
}

describe(`items, checks and closing (${engineLabel()})`, () => {
  let meeting: MeetingBody;
  let itemId: number;

  it('flags a principal who spoke first, and explains why', async () => {
    meeting = await subdistrictMeeting('2021-04-02', 5, 5);
    const voters = meeting.members.filter((m) => m.role === 'member');
    const principal = voters.find((m) => m.is_principal)!;
    itemId = await item(meeting.meeting.id, { category: 'major_project', title: '道路硬化工程', amountFen: 12_000_000, votingMethod: 'show_of_hands', votesFor: 5, votesAgainst: 0, votesAbstain: 0, outcome: 'adopted' });
    const order = [principal, ...voters.filter((m) => m !== principal)];
    const r = await send<ItemBody>('PUT', `/api/decisions/items/${itemId}/opinions`, { opinions: order.map((m) => ({ memberId: m.id, opinion: 'agree' })) });
    expect(r.status).toBe(200);
    expect(r.body.opinions.map((o) => o.position)).toEqual([1, 2, 3, 4, 5]);
    expect(r.body.item.flags.map((f) => f.rule)).toEqual(['principal_not_last']);
    expect(r.body.item.flags[0]!.message).toContain('孙书记第1个表态');
    // Reordered: the principal last, no flags.
    const fixed = await send<ItemBody>('PUT', `/api/decisions/items/${itemId}/opinions`, { opinions: [...order.slice(1), principal].map((m) => ({ memberId: m.id, opinion: 'agree' })) });
    expect(fixed.body.item.flags).toEqual([]);
  });

  it('attendance changes recompute the flags of the meeting items', async () => {
    const members = meeting.members.map((m) => ({ id: m.id, name: m.name, role: m.role, isPrincipal: m.is_principal, attendance: m.attendance, absenceReason: m.attendance === 'absent' ? '病假' : '' }));
    // An observer who votes is flagged.
    const observer = meeting.members.find((m) => m.role === 'observer')!;
    const voters = meeting.members.filter((m) => m.role === 'member');
    const ops = [observer, ...voters.filter((m) => !m.is_principal), voters.find((m) => m.is_principal)!];
    const r = await send<ItemBody>('PUT', `/api/decisions/items/${itemId}/opinions`, { opinions: ops.map((m) => ({ memberId: m.id, opinion: 'agree' })) });
    expect(r.body.item.flags.map((f) => f.rule)).toContain('non_voter');
    const back = await send<ItemBody>('PUT', `/api/decisions/items/${itemId}/opinions`, { opinions: ops.slice(1).map((m) => ({ memberId: m.id, opinion: 'agree' })) });
    expect(back.body.item.flags).toEqual([]);
    expect((await send('PUT', `/api/decisions/meetings/${meeting.meeting.id}/members`, { members })).status).toBe(200);
  });

  it('closing freezes the item: the API refuses edits, amendments record corrections', async () => {
    const closed = await send<ItemBody>('POST', `/api/decisions/items/${itemId}/close`);
    expect(closed.status).toBe(200);
    expect(closed.body.item.closed_at).not.toBeNull();
    const edit = await send('PATCH', `/api/decisions/items/${itemId}`, { votesFor: 3, version: 1 });
    expect(edit.status).toBe(409);
    expect(edit.body.error.code).toBe('frozen');
    expect((await send('PUT', `/api/decisions/items/${itemId}/opinions`, { opinions: [] })).status).toBe(409);
    expect((await send('PUT', `/api/decisions/meetings/${meeting.meeting.id}/members`, { members: [] })).status).toBe(409);
    expect((await send('DELETE', `/api/decisions/items/${itemId}`)).status).toBe(409);
    // The implementation result may still be recorded.
    expect((await send('PATCH', `/api/decisions/items/${itemId}`, { implementationResult: '已完工', implementationDate: '2021-09-30', version: 1 })).status).toBe(200);
    const noReason = await send('POST', `/api/decisions/items/${itemId}/amendments`, { subject: '金额', correction: '应为 120,500 元', reason: '' });
    expect(noReason.status).toBe(400);
    const amended = await send<ItemBody>('POST', `/api/decisions/items/${itemId}/amendments`, { subject: '金额', correction: '应为 120,500 元', reason: '会议记录誊写笔误' });
    expect(amended.status).toBe(201);
    expect(amended.body.amendments).toMatchObject([{ subject: '金额', reason: '会议记录誊写笔误' }]);
    expect(amended.body.item.votes_for).toBe(5);
    const audit = await t.handle.db.selectFrom('audit_event').select('kind').where('object_type', '=', 'decision_item').where('object_id', '=', String(itemId)).orderBy('id').execute();
    expect(audit.map((a) => a.kind)).toEqual(expect.arrayContaining(['decision.item_created', 'decision.opinions_updated', 'decision.item_closed', 'decision.amendment_added']));
  });

  it('the database itself refuses changes to a closed item (raw SQL)', async () => {
    const db = t.handle.db;
    await expect(sql`UPDATE decision_item SET votes_for = 1 WHERE id = ${itemId}`.execute(db)).rejects.toThrow(/closed/);
    await expect(sql`UPDATE decision_item SET outcome = 'rejected' WHERE id = ${itemId}`.execute(db)).rejects.toThrow(/closed/);
    await expect(sql`DELETE FROM decision_item WHERE id = ${itemId}`.execute(db)).rejects.toThrow(/closed/);
    await expect(sql`UPDATE decision_opinion SET opinion = 'disagree' WHERE item_id = ${itemId}`.execute(db)).rejects.toThrow(/closed/);
    await expect(sql`DELETE FROM decision_opinion WHERE item_id = ${itemId}`.execute(db)).rejects.toThrow(/closed/);
    const member = meeting.members.find((m) => m.role === 'member')!;
    await expect(sql`INSERT INTO decision_recusal (item_id, member_id, reason) VALUES (${itemId}, ${member.id}, 'x')`.execute(db)).rejects.toThrow(/closed/);
    await expect(sql`UPDATE decision_member SET attendance = 'absent' WHERE id = ${member.id}`.execute(db)).rejects.toThrow(/closed items/);
    await expect(sql`UPDATE decision_meeting SET held_on = '2021-04-03' WHERE id = ${meeting.meeting.id}`.execute(db)).rejects.toThrow(/closed items/);
    await expect(sql`UPDATE decision_amendment SET reason = 'x' WHERE item_id = ${itemId}`.execute(db)).rejects.toThrow(/append-only/);
    // Still allowed: the implementation result and the flags.
    await sql`UPDATE decision_item SET implementation_result = '已验收' WHERE id = ${itemId}`.execute(db);
    const row = await db.selectFrom('decision_item').select(['votes_for', 'implementation_result']).where('id', '=', itemId).executeTakeFirstOrThrow();
    expect(row).toEqual({ votes_for: 5, implementation_result: '已验收' });
  });

  it('a cadre appointment with exactly ⅔ present passes the quorum check; one fewer is flagged and still counted', async () => {
    const ok = await subdistrictMeeting('2021-05-06', 6, 4);
    const okItem = await item(ok.meeting.id, { category: 'cadre_appointment', title: '任命甲', votingMethod: 'secret_ballot', votesFor: 4, votesAgainst: 0, votesAbstain: 0, outcome: 'adopted' });
    const voters = ok.members.filter((m) => m.role === 'member' && m.attendance === 'present');
    const principal = ok.members.find((m) => m.is_principal)!;
    // The principal is absent here: members 1–4 are present.
    expect(voters).not.toContain(principal);
    const r = await send<ItemBody>('PUT', `/api/decisions/items/${okItem}/opinions`, { opinions: voters.map((m) => ({ memberId: m.id, opinion: 'agree' })) });
    expect(r.body.item.flags).toEqual([]);
    const low = await subdistrictMeeting('2021-05-07', 6, 3);
    const lowItem = await item(low.meeting.id, { category: 'cadre_appointment', title: '任命乙', votingMethod: 'secret_ballot', votesFor: 3, votesAgainst: 0, votesAbstain: 0, outcome: 'adopted' });
    const lr = await send<ItemBody>('PUT', `/api/decisions/items/${lowItem}/opinions`, {
      opinions: low.members.filter((m) => m.role === 'member' && m.attendance === 'present').map((m) => ({ memberId: m.id, opinion: 'agree' })),
    });
    expect(lr.body.item.flags.map((f) => f.rule)).toEqual(['quorum_two_thirds', 'adoption']);
    expect(lr.body.item.flags[0]!.message).toContain('所作决定无效');
  });
});

describe(`village items and 四议两公开 (${engineLabel()})`, () => {
  it('a secretary records their village item step by step; merging needs 一肩挑 on that date', async () => {
    const m = await send<MeetingBody>('POST', '/api/decisions/meetings', { orgUnitId: village, kind: 'joint_committees', heldOn: '2021-06-01' }, secretary);
    expect(m.status).toBe(201);
    const present = m.body.members.map((x) => ({ id: x.id, personId: x.person_id, name: x.name, role: x.role, attendance: 'present' }));
    const att = await send<MeetingBody>('PUT', `/api/decisions/meetings/${m.body.meeting.id}/members`, { members: present }, secretary);
    expect(att.status).toBe(200);
    // The principal comes from the roster, whatever the client says.
    expect(att.body.members.filter((x) => x.is_principal).map((x) => x.name)).toEqual(['王书记']);
    const r = await send<ItemBody>('POST', '/api/decisions/items', { meetingId: m.body.meeting.id, category: 'large_fund', title: '村集体资金修缮祠堂', amountFen: 8_000_000 }, secretary);
    expect(r.status).toBe(201);
    const id = r.body.item.id;
    const put = (step: string, body: object) => send<ItemBody>('PUT', `/api/decisions/items/${id}/steps/${step}`, body, secretary);
    // 一肩挑 in 南村 from 2021-01-10: merging is fine.
    expect((await put('proposal', { heldOn: '2021-05-20', content: '党组织提议', signedBy: '王书记', merged: true })).body.item.flags).toEqual([]);
    // Skipping the 党员大会 is flagged once a later step exists.
    const skipped = await put('resolution', { heldOn: '2021-06-01', expected: 40, present: 35, votesFor: 30 });
    expect(skipped.body.item.flags.map((f) => f.rule)).toEqual(['steps_missing']);
    const mm = await put('members_meeting', { heldOn: '2021-05-28', expected: 30, present: 19, votesFor: 16 });
    expect(mm.body.item.flags.map((f) => f.rule)).toEqual(['members_meeting_quorum']);
    const fixed = await put('members_meeting', { heldOn: '2021-05-28', expected: 30, present: 20, votesFor: 16 });
    expect(fixed.body.item.flags).toEqual([]);
    expect(fixed.body.steps.map((s) => s.step)).toEqual(['proposal', 'members_meeting', 'resolution']);
    // Merging before the term (no 一肩挑 on that date) is flagged.
    const early = await put('proposal', { heldOn: '2021-01-05', merged: true });
    expect(early.body.item.flags.map((f) => f.rule)).toEqual(['merge_without_dual_role']);
  });

  it('secretaries see their own village only (404 elsewhere); auditors read but never write', async () => {
    const list = await get<{ items: { org_unit_id: number }[]; total: number }>('/api/decisions/meetings', secretary);
    expect(list.status).toBe(200);
    expect(list.body.items.every((m) => m.org_unit_id === village)).toBe(true);
    const sub = await get<{ items: { id: number; org_unit_id: number }[] }>(`/api/decisions/meetings?org=${t.rootOrgId}`);
    const subMeeting = sub.body.items.find((m) => m.org_unit_id === t.rootOrgId)!;
    expect((await get(`/api/decisions/meetings/${subMeeting.id}`, secretary)).status).toBe(404);
    const villageMeeting = list.body.items[0] as unknown as { id: number };
    expect((await get(`/api/decisions/meetings/${villageMeeting.id}`, otherSecretary)).status).toBe(404);
    const mine = await get<MeetingBody>(`/api/decisions/meetings/${villageMeeting.id}`, secretary);
    expect(mine.status).toBe(200);
    expect((await get(`/api/decisions/meetings?org=${t.rootOrgId}`, secretary)).status).toBe(404);
    expect((await send('POST', '/api/decisions/meetings', { orgUnitId: village, kind: 'village_party', heldOn: '2021-03-05' }, otherSecretary)).status).toBe(404);
    expect((await get(`/api/decisions/meetings/${villageMeeting.id}`, auditor)).status).toBe(200);
    expect((await send('POST', '/api/decisions/meetings', { orgUnitId: village, kind: 'village_party', heldOn: '2021-03-05' }, auditor)).status).toBe(403);
  });
});

describe(`counting (${engineLabel()})`, () => {
  it('a deferred item counts in the year it is finally decided; a flagged item still counts', async () => {
    const y2022a = await subdistrictMeeting('2022-11-03', 3, 3);
    const deferred = await item(y2022a.meeting.id, { category: 'major_decision', title: '缓议事项', votingMethod: 'oral', votesFor: 0, votesAgainst: 0, votesAbstain: 0, outcome: 'deferred' });
    await item(y2022a.meeting.id, { category: 'ordinary', title: '一般事项', amountFen: 6_000_000, outcome: 'adopted' });
    const y2023 = await subdistrictMeeting('2023-01-05', 3, 1);
    const decided = await item(y2023.meeting.id, { category: 'major_decision', title: '缓议事项（续议）', deferredFromItemId: deferred, votingMethod: 'oral', votesFor: 1, votesAgainst: 0, votesAbstain: 0, outcome: 'adopted' });
    const stats2022 = await get<{ decisions: number; deferredItems: number; flaggedByRule: { rule: string; count: number }[]; sentence: string }>(`/api/reports/decisions?org=${t.rootOrgId}&year=2022`);
    expect(stats2022.body.decisions).toBe(0);
    expect(stats2022.body.deferredItems).toBe(1);
    expect(stats2022.body.sentence).toBe('集体研究“三重一大”事项0项');
    expect(stats2022.body.flaggedByRule.find((r) => r.rule === 'threshold')?.count).toBe(1);
    const stats2023 = await get<{ decisions: number; flaggedItems: number }>(`/api/reports/decisions?org=${t.rootOrgId}&year=2023`);
    expect(stats2023.body.decisions).toBe(1);
    expect(stats2023.body.flaggedItems).toBe(1);
    const drill = await get<{ items: { id: number; flags: { rule: string }[] }[]; total: number }>(`/api/reports/decisions/items?org=${t.rootOrgId}&year=2023&counted=yes`);
    expect(drill.body.total).toBe(1);
    expect(drill.body.items[0]!.id).toBe(decided);
    expect(drill.body.items[0]!.flags.map((f) => f.rule)).toContain('quorum');
    // A second continuation of the same deferred item is refused by the unique link.
    const again = await send('POST', '/api/decisions/items', { meetingId: y2023.meeting.id, category: 'major_decision', title: '再续议', deferredFromItemId: deferred });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('already_continued');
  });

  it('every figure opens the items it counts (same filter, same count)', async () => {
    const stats = await get<{ decisions: number; byCategory: { category: string; count: number }[]; byOrg: { orgId: number; count: number }[]; byMonth: { month: number; total: number }[]; flaggedByRule: { rule: string; count: number }[] }>(
      `/api/reports/decisions?org=${t.rootOrgId}&year=2021`,
    );
    expect(stats.status).toBe(200);
    expect(stats.body.decisions).toBe(3);
    const total = async (qs: string) => (await get<{ total: number }>(`/api/reports/decisions/items?org=${t.rootOrgId}&year=2021&${qs}`)).body.total;
    expect(await total('counted=yes')).toBe(stats.body.decisions);
    for (const c of stats.body.byCategory) expect(await total(`counted=yes&category=${c.category}`)).toBe(c.count);
    for (const o of stats.body.byOrg) expect(await total(`counted=yes&orgId=${o.orgId}`)).toBe(o.count);
    for (const m of stats.body.byMonth.filter((x) => x.total > 0)) expect(await total(`counted=yes&month=${m.month}`)).toBe(m.total);
    for (const r of stats.body.flaggedByRule) expect(await total(`rule=${r.rule}`)).toBe(r.count);
  });
});

describe(`the amount threshold per org (${engineLabel()})`, () => {
  it('a village may set a lower threshold; its ordinary items reaching it are flagged, the default elsewhere is 50,000 元', async () => {
    expect((await send('PUT', `/api/decisions/thresholds/${village}`, { amountFen: 3_000_000 }, secretary)).status).toBe(403);
    const set = await send<{ amountFen: number }>('PUT', `/api/decisions/thresholds/${village}`, { amountFen: 3_000_000 });
    expect(set.body.amountFen).toBe(3_000_000);
    expect((await get<{ amountFen: number }>(`/api/decisions/thresholds/${otherVillage}`)).body.amountFen).toBe(5_000_000);
    const m = await send<MeetingBody>('POST', '/api/decisions/meetings', { orgUnitId: village, kind: 'village_party', heldOn: '2021-09-01' });
    const r = await send<ItemBody>('POST', '/api/decisions/items', { meetingId: m.body.meeting.id, category: 'ordinary', title: '购置办公设备', amountFen: 4_000_000 });
    expect(r.body.item.flags.map((f) => f.rule)).toContain('threshold');
    expect(r.body.item.flags.find((f) => f.rule === 'threshold')!.message).toContain('30,000.00元');
    const sub = await subdistrictMeeting('2021-09-02', 1, 1);
    const s2 = await send<ItemBody>('POST', '/api/decisions/items', { meetingId: sub.meeting.id, category: 'ordinary', title: '购置办公设备', amountFen: 4_000_000 });
    expect(s2.body.item.flags.map((f) => f.rule)).not.toContain('threshold');
  });
});

describe(`attachments (${engineLabel()})`, () => {
  const upload = (ownerId: number, bytes: Uint8Array<ArrayBuffer>, name: string, cookie = office) => {
    const form = new FormData();
    form.set('ownerKind', 'decision_item');
    form.set('ownerId', String(ownerId));
    form.set('file', new File([bytes], name, { type: 'application/pdf' }));
    return t.app.request(`${TEST_ORIGIN}/api/attachments`, { method: 'POST', headers: { origin: TEST_ORIGIN, host: 'qingfeng.test', cookie }, body: form });
  };
  let target: number;

  beforeAll(async () => {
    const m = await subdistrictMeeting('2021-08-01', 3, 3);
    target = await item(m.meeting.id, { category: 'ordinary', title: '附件测试' });
  });

  it('stores a PDF with its SHA-256 and streams it back, audited', async () => {
    const pdf = new TextEncoder().encode('%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n');
    const r = await json<{ attachment: { id: number; sha256: string; media_type: string; file_name: string } }>(upload(target, pdf, '会议记录扫描件.pdf'));
    expect(r.status).toBe(201);
    expect(r.body.attachment.media_type).toBe('application/pdf');
    const { createHash } = await import('node:crypto');
    expect(r.body.attachment.sha256).toBe(createHash('sha256').update(pdf).digest('hex'));
    const dl = await call(t.app, 'GET', `/api/attachments/${r.body.attachment.id}`, { cookie: auditor });
    expect(dl.status).toBe(200);
    expect(dl.headers.get('content-type')).toBe('application/pdf');
    expect(new Uint8Array(await dl.arrayBuffer())).toEqual(pdf);
    const audit = await t.handle.db.selectFrom('audit_event').select('kind').where('object_type', '=', 'attachment').where('object_id', '=', String(r.body.attachment.id)).orderBy('id').execute();
    expect(audit.map((a) => a.kind)).toEqual(['attachment.uploaded', 'attachment.downloaded']);
    const detail = await get<ItemBody>(`/api/decisions/items/${target}`);
    expect(detail.body.attachments).toHaveLength(1);
  });

  it('refuses an executable named .pdf (type by content), and auditors cannot upload', async () => {
    const exe = new Uint8Array([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00]);
    const r = await json(upload(target, exe, 'minutes.pdf'));
    expect(r.status).toBe(415);
    expect(r.body.error.message).toContain('PDF、JPEG 或 PNG');
    const elf = new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01]);
    expect((await upload(target, elf, 'scan.png')).status).toBe(415);
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
    expect((await upload(target, png, 'scan.png', auditor)).status).toBe(403);
    const ok = await json<{ attachment: { file_name: string; media_type: string } }>(upload(target, png, 'scan.pdf'));
    expect(ok.body.attachment).toMatchObject({ media_type: 'image/png', file_name: 'scan.pdf.png' });
    const count = await t.handle.db.selectFrom('attachment').select(sql<number>`count(*)::int`.as('n')).where('owner_id', '=', target).executeTakeFirstOrThrow();
    expect(count.n).toBe(2);
  });

  it('refuses files over 20 MB', async () => {
    const big = new Uint8Array(20 * 1024 * 1024 + 1);
    big.set([0x25, 0x50, 0x44, 0x46, 0x2d]);
    const r = await json(upload(target, big, 'big.pdf'));
    expect(r.status).toBe(413);
    expect(r.body.error.message).toContain('20 MB');
  });

  it('another village’s secretary gets 404', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1]);
    expect((await upload(target, png, 'x.png', otherSecretary)).status).toBe(404);
    const list = await t.handle.db.selectFrom('attachment').select('id').where('owner_id', '=', target).execute();
    expect((await call(t.app, 'GET', `/api/attachments/${list[0]!.id}`, { cookie: otherSecretary })).status).toBe(404);
  });
});

describe(`lost updates (${engineLabel()}) — issue 11 finding 6`, () => {
  it('two edits of a meeting or an item from the same version: one is saved, the other answers 409 and is not audited', async () => {
    const m = await subdistrictMeeting('2021-07-01', 3, 3);
    const id = m.meeting.id;
    const [a, b] = await Promise.all([send('PATCH', `/api/decisions/meetings/${id}`, { place: '甲会议室', version: 1 }), send('PATCH', `/api/decisions/meetings/${id}`, { chair: '乙主持', version: 1 })]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const events = await t.handle.db.selectFrom('audit_event').select('id').where('kind', '=', 'decision.meeting_updated').where('object_id', '=', String(id)).execute();
    expect(events).toHaveLength(1);
    const itemId = await item(id, { category: 'major_project', title: '并发议题', votingMethod: 'show_of_hands', votesFor: 3, votesAgainst: 0, votesAbstain: 0, outcome: 'adopted' });
    const [c, d] = await Promise.all([send('PATCH', `/api/decisions/items/${itemId}`, { title: '改名一', version: 1 }), send('PATCH', `/api/decisions/items/${itemId}`, { title: '改名二', version: 1 })]);
    expect([c.status, d.status].sort()).toEqual([200, 409]);
    const missing = await send('PATCH', `/api/decisions/items/${itemId}`, { title: '无版本' });
    expect(missing.status).toBe(400);
  });
});
