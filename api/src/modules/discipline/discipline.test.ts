import { expectPdfA2b } from '../../testing/pdfa.ts';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openIdNumber } from '@qingfeng/db';
import { call, createOrg, createTestContext, createUserAndLogin, engineLabel, TEST_ORIGIN, type TestContext } from '../../testing/harness.ts';
import { IMPORT_COLUMNS } from '../roster/excel.ts';
import { personBody, testIdNumber } from '../roster/test-helpers.ts';
import { INTEGRITY_FIGURES, type IntegrityFigure, type IntegrityFigures } from './rules.ts';
import type { FigureRecord } from './figures.ts';

let t: TestContext;
let village = 0;
let otherVillage = 0;
let office = '';
let inspector = '';
let auditor = '';
let secretary = '';
let admin = '';

interface ApiError {
  error: { code: string; message: string };
}
async function json<T>(res: Response | Promise<Response>): Promise<{ status: number; body: T & ApiError }> {
  const r = await res;
  return { status: r.status, body: (await r.json()) as T & ApiError };
}
const send = <T>(method: string, path: string, body: object, cookie = inspector) => json<T>(call(t.app, method, path, { cookie, json: body }));
const get = <T>(path: string, cookie = inspector) => json<T>(call(t.app, 'GET', path, { cookie }));

let n = 300;
async function person(org: number, name: string, extra: object = {}) {
  const r = await send<{ person: { id: number } }>('POST', '/api/people', { ...personBody(org, { name, n: n++ }), ...extra }, office);
  expect(r.status).toBe(201);
  return r.body.person.id;
}

const talk = (body: object) => send<{ id: number }>('POST', '/api/talks', { leaderName: '王书记', leaderTitle: '纪工委书记', topic: '廉洁自律', ...body });
const sanction = (body: object) =>
  send<{ id: number }>('POST', '/api/sanctions', { violation: 'integrity', authority: '街道纪工委', caseNumber: '青纪〔2021〕1号', ...body });

let a = 0; // a party member village cadre
let b = 0;
let c = 0;
let masses = 0;
let outsider = 0;

beforeAll(async () => {
  t = await createTestContext();
  village = (await createOrg(t, t.rootOrgId, 'village', '柳村')).id;
  otherVillage = (await createOrg(t, t.rootOrgId, 'village', '杨村')).id;
  office = (await createUserAndLogin(t, { username: 'office', role: 'org_office' })).cookie;
  inspector = (await createUserAndLogin(t, { username: 'insp', role: 'inspector' })).cookie;
  auditor = (await createUserAndLogin(t, { username: 'aud', role: 'auditor' })).cookie;
  admin = (await createUserAndLogin(t, { username: 'adm', role: 'admin' })).cookie;
  secretary = (await createUserAndLogin(t, { username: 'sec', role: 'secretary', orgUnitId: village })).cookie;
  a = await person(village, '甲');
  b = await person(village, '乙');
  c = await person(otherVillage, '丙', { category: 'civil_servant' });
  masses = await person(village, '丁', { politicalStatus: 'masses', partyJoinDate: null });
  outsider = await person(otherVillage, '戊', { category: 'party_member' });
});
afterAll(async () => {
  await t.close();
});

describe(`talks (${engineLabel()})`, () => {
  it('records a collective talk with a count, or with names that must match it', async () => {
    expect((await talk({ kind: 'collective', date: '2021-03-01', participantCount: 40 })).status).toBe(201);
    const named = await talk({ kind: 'collective', date: '2021-03-02', participantIds: [a, b] });
    expect(named.status).toBe(201);
    const got = await get<{ talk: { participant_count: number; participants: { id: number }[] } }>(`/api/talks/${named.body.id}`);
    expect(got.body.talk.participant_count).toBe(2);
    expect(got.body.talk.participants.map((p) => p.id).sort()).toEqual([a, b].sort());
    const mismatch = await talk({ kind: 'collective', date: '2021-03-02', participantCount: 3, participantIds: [a, b] });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.error.code).toBe('participant_count_mismatch');
    expect((await talk({ kind: 'collective', date: '2021-03-02' })).body.error.code).toBe('participants_required');
  });

  it('gives an individual talk exactly one subject', async () => {
    expect((await talk({ kind: 'reminder', date: '2021-04-01' })).body.error.code).toBe('subject_required');
    expect((await talk({ kind: 'reminder', date: '2021-04-01', subjectPersonId: a, participantIds: [b] })).body.error.code).toBe('individual_participants');
    const ok = await talk({ kind: 'reminder', date: '2021-04-01', time: '09:30', subjectPersonId: a });
    expect(ok.status).toBe(201);
  });

  it('computes a 函询 reply due date in working days across a weekend and a holiday', async () => {
    const put = await send('PUT', '/api/settings/discipline.holidays', { value: ['2021-10-01', '2021-10-04', '2021-10-05', '2021-10-06', '2021-10-07'] }, admin);
    expect(put.status).toBe(200);
    const r = await talk({ kind: 'inquiry_letter', date: '2021-09-24', subjectPersonId: b, topic: '反映问题函询' });
    expect(r.status).toBe(201);
    const got = await get<{ talk: { reply_due_date: string } }>(`/api/talks/${r.body.id}`);
    // 15 working days after Friday 24 September, skipping weekends and 1–7 October: Friday 22 October.
    expect(got.body.talk.reply_due_date).toBe('2021-10-22');
    const reply = await send('POST', `/api/talks/${r.body.id}/reply`, { replyDate: '2021-10-15', reply: '已如实说明' });
    expect(reply.status).toBe(200);
    expect((await send('POST', `/api/talks/${r.body.id}/reply`, { replyDate: '2021-09-01', reply: '早于函询' })).status).toBe(400);
  });

  it('gives 诫勉 its influence end (setting, 6 months by default)', async () => {
    const r = await talk({ kind: 'admonishment', date: '2021-08-31', subjectPersonId: b });
    const got = await get<{ talk: { influence_end: string } }>(`/api/talks/${r.body.id}`);
    expect(got.body.talk.influence_end).toBe('2022-02-28');
  });
});

describe(`sanctions (${engineLabel()})`, () => {
  it('computes the influence end by the month rule and refuses types the category does not allow', async () => {
    const r = await sanction({ personId: a, system: 'party', type: 'serious_warning', decisionDate: '2021-08-30', effectiveDate: '2021-08-31' });
    expect(r.status).toBe(201);
    const got = await get<{ sanction: { influence_end: string; displayStatus: string; label: string } }>(`/api/sanctions/${r.body.id}`);
    expect(got.body.sanction.influence_end).toBe('2023-02-28');
    expect(got.body.sanction.displayStatus).toBe('influence_ended');
    const refused = await sanction({ personId: a, system: 'government', type: 'dismissal', decisionDate: '2021-08-30', effectiveDate: '2021-08-31' });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('category_not_allowed');
    expect(refused.body.error.message).toContain('只能给予政务警告、记过、记大过');
    expect((await sanction({ personId: masses, system: 'party', type: 'warning', decisionDate: '2021-08-30', effectiveDate: '2021-08-31' })).body.error.code).toBe('not_party_member');
    expect((await sanction({ personId: a, system: 'party', type: 'toString', decisionDate: '2021-08-30', effectiveDate: '2021-08-31' })).body.error.code).toBe('bad_type');
  });

  it('revokes with a reason and links an appeal to the new sanction', async () => {
    const r = await sanction({ personId: b, system: 'party', type: 'serious_warning', decisionDate: '2021-05-01', effectiveDate: '2021-05-01' });
    expect((await send('POST', `/api/sanctions/${r.body.id}/revoke`, {})).status).toBe(400);
    expect((await send('POST', `/api/sanctions/${r.body.id}/revoke`, { reason: '复查后撤销' })).status).toBe(200);
    expect((await send('POST', `/api/sanctions/${r.body.id}/revoke`, { reason: '再次撤销' })).status).toBe(409);

    const old = await sanction({ personId: b, system: 'party', type: 'serious_warning', decisionDate: '2021-06-01', effectiveDate: '2021-06-01' });
    const appeal = await send<{ id: number }>('POST', `/api/sanctions/${old.body.id}/appeal`, {
      reason: '申诉后改为警告',
      replacement: { system: 'party', type: 'warning', violation: 'work', authority: '街道纪工委', decisionDate: '2021-07-01', effectiveDate: '2021-07-01' },
    });
    expect(appeal.status).toBe(201);
    const was = await get<{ sanction: { status: string; replaced_by_id: number; status_reason: string } }>(`/api/sanctions/${old.body.id}`);
    expect(was.body.sanction).toMatchObject({ status: 'changed_on_appeal', replaced_by_id: appeal.body.id, status_reason: '申诉后改为警告' });
    const now = await get<{ sanction: { replaces: { id: number }[] } }>(`/api/sanctions/${appeal.body.id}`);
    expect(now.body.sanction.replaces.map((x) => x.id)).toEqual([old.body.id]);
    const events = await t.handle.db.selectFrom('audit_event').select('kind').where('kind', 'in', ['sanction.revoked', 'sanction.changed_on_appeal']).execute();
    expect(events).toHaveLength(2);
  });
});

describe(`corrections (${engineLabel()})`, () => {
  it('corrects a talk and a sanction only with a reason, recomputing derived dates, audited', async () => {
    const r = await talk({ kind: 'reminder', date: '2020-05-01', subjectPersonId: outsider, topic: '待更正' });
    const body = { kind: 'admonishment', date: '2020-05-02', subjectPersonId: outsider, leaderName: '王书记', topic: '更正后' };
    expect((await send('PUT', `/api/talks/${r.body.id}`, { ...body, version: 1 })).status).toBe(400);
    expect((await send('PUT', `/api/talks/${r.body.id}`, { ...body, reason: '登记时类别有误', version: 1 })).status).toBe(200);
    const got = await get<{ talk: { kind: string; influence_end: string; topic: string } }>(`/api/talks/${r.body.id}`);
    expect(got.body.talk).toMatchObject({ kind: 'admonishment', influence_end: '2020-11-02', topic: '更正后' });
    const s = await sanction({ personId: outsider, system: 'party', type: 'warning', decisionDate: '2020-03-01', effectiveDate: '2020-03-01' });
    const fix = { system: 'party', type: 'serious_warning', violation: 'work', authority: '街道纪工委', decisionDate: '2020-03-01', effectiveDate: '2020-03-02', reason: '处分种类录入错误', version: 1 };
    expect((await send('PUT', `/api/sanctions/${s.body.id}`, fix)).status).toBe(200);
    const fixed = await get<{ sanction: { type: string; influence_end: string } }>(`/api/sanctions/${s.body.id}`);
    expect(fixed.body.sanction).toMatchObject({ type: 'serious_warning', influence_end: '2021-09-02' });
    // A second correction made from the version read before the first one is refused (finding 6): no write, no audit.
    const staleTalk = await send<{ error: { code: string } }>('PUT', `/api/talks/${r.body.id}`, { ...body, topic: '过期表单', reason: '再次更正', version: 1 });
    expect(staleTalk.status).toBe(409);
    expect(staleTalk.body.error.code).toBe('conflict');
    expect((await send('PUT', `/api/sanctions/${s.body.id}`, { ...fix, violation: 'life', version: 1 })).status).toBe(409);
    const events = await t.handle.db.selectFrom('audit_event').select('details').where('kind', 'in', ['talk.updated', 'sanction.updated']).execute();
    const mine = await t.handle.db.selectFrom('audit_event').select('id').where('kind', 'in', ['talk.updated', 'sanction.updated']).where('object_id', 'in', [String(r.body.id), String(s.body.id)]).execute();
    expect(mine).toHaveLength(2);
    expect(events.map((e) => e.details.reason)).toEqual(expect.arrayContaining(['登记时类别有误', '处分种类录入错误']));
    // Out of the year counted below: 2020.
    expect((await send('DELETE', `/api/talks/${r.body.id}`, { reason: '误登记' })).status).toBe(200);
    expect((await get(`/api/talks/${r.body.id}`)).status).toBe(404);
  });
});

describe(`integrity figures and drill-downs (${engineLabel()})`, () => {
  it('counts by the rules and every figure opens exactly its records', async () => {
    // A talk at 23:30 on 31 December Beijing time belongs to that year; one just after midnight does not.
    await talk({ kind: 'warning_talk', date: '2021-12-31', time: '23:30', subjectPersonId: c });
    await talk({ kind: 'warning_talk', date: '2022-01-01', time: '00:10', subjectPersonId: c });
    await talk({ kind: 'integrity', date: '2021-06-01', subjectPersonId: c });
    // A person with two party sanctions in the year: one person, counted under both types.
    await sanction({ personId: c, system: 'party', type: 'warning', decisionDate: '2021-02-01', effectiveDate: '2021-02-01' });
    await sanction({ personId: c, system: 'party', type: 'expulsion', decisionDate: '2021-11-01', effectiveDate: '2021-11-01', criminalReferral: true });
    await sanction({ personId: c, system: 'government', type: 'dismissal', decisionDate: '2021-11-01', effectiveDate: '2021-11-01' });

    const r = await get<{ figures: IntegrityFigures; sentence: string }>(`/api/reports/integrity?year=2021`);
    expect(r.status).toBe(200);
    const f = r.body.figures;
    expect(f.collectiveTalks).toBe(2);
    expect(f.collectiveTalkParticipants).toBe(42);
    expect(f.reminderTalks).toBe(1);
    expect(f.admonishments).toBe(1);
    expect(f.warningTalks).toBe(1);
    // 函询 is not in 个别谈话.
    expect(f.inquiryLetters).toBe(1);
    expect(f.individualTalks).toBe(3);
    expect(f.integrityTalks).toBe(1);
    // a: serious warning; b: revoked (not counted), changed on appeal (replaced) and the new warning; c: warning + expulsion.
    expect(f.partySanctionedPersons).toBe(3);
    expect(f.partySanctions).toEqual({ warning: 2, serious_warning: 1, removal_from_post: 0, probation: 0, expulsion: 1 });
    expect(f.governmentSanctions).toBe(1);
    expect(f.fourForms.first.count).toBe(4);
    expect(f.fourForms.second.count).toBe(3);
    expect(f.fourForms.third.count).toBe(1);
    expect(f.fourForms.fourth.count).toBe(1);
    expect(r.body.sentence).toBe('街道领导班子成员开展集体谈话2次、42人次,个别谈话3人次(提醒谈话1次、诫勉谈话1人次、警示谈话1人次);给予辖区3名党员党纪处分(警告2人、严重警告1人、开除党籍1人)');

    const value = (key: IntegrityFigure): number => {
      if (key.startsWith('partySanctions.')) return f.partySanctions[key.slice(15) as keyof IntegrityFigures['partySanctions']];
      if (key.startsWith('fourForms.')) return f.fourForms[key.slice(10) as 'first'].count;
      return f[key as Exclude<IntegrityFigure, `partySanctions.${string}` | `fourForms.${string}`>] as number;
    };
    for (const key of INTEGRITY_FIGURES) {
      const list = await get<{ items: FigureRecord[]; total: number }>(`/api/reports/integrity/records?year=2021&figure=${key}&pageSize=200`, auditor);
      expect(list.status, key).toBe(200);
      const counted = key === 'collectiveTalkParticipants' ? list.body.items.reduce((s, i) => s + i.participants!, 0) : list.body.total;
      expect(counted, key).toBe(value(key));
      expect(list.body.items.length, key).toBe(list.body.total);
    }
    const persons = await get<{ items: FigureRecord[] }>(`/api/reports/integrity/records?year=2021&figure=partySanctionedPersons`);
    expect(persons.body.items.find((p) => p.personId === c)?.sanctions).toHaveLength(2);
  });

  it('breaks the four forms down by org and month, each with its records', async () => {
    const r = await get<{ total: { total: number; fourth: { count: number } }; byOrg: { orgName: string; total: number }[]; byMonth: { key: string; total: number }[]; rules: unknown[] }>(
      '/api/reports/four-forms?from=2021-01-01&to=2022-01-01',
    );
    expect(r.status).toBe(200);
    expect(r.body.total.total).toBe(9);
    expect(r.body.byOrg.reduce((s, o) => s + o.total, 0)).toBe(9);
    expect(r.body.byMonth.reduce((s, o) => s + o.total, 0)).toBe(9);
    expect(r.body.byOrg.find((o) => o.orgName === '杨村')?.total).toBe(4);
    for (const form of ['first', 'second', 'third', 'fourth']) {
      const list = await get<{ items: FigureRecord[]; total: number }>(`/api/reports/four-forms/records?from=2021-01-01&to=2022-01-01&form=${form}`);
      expect(list.body.items.every((i) => i.form === form && i.rule)).toBe(true);
    }
    expect((await get('/api/reports/four-forms?from=2022-01-01&to=2021-01-01')).status).toBe(400);
  });
});

describe(`eligibility (${engineLabel()})`, () => {
  let termId = 0;
  beforeAll(async () => {
    const r = await send<{ term: { id: number } }>('POST', '/api/terms', { orgUnitId: village, ordinal: 11, electionDate: '2022-01-10', startDate: '2022-01-10' }, office);
    termId = r.body.term.id;
  });

  it('gives every reason to inspectors and only the result to the party work office', async () => {
    // a: serious warning effective 2021-08-31, influence until 2023-02-27 (end 2023-02-28).
    const last = await get<{ eligible: boolean; reasons: { kind: string; text: string }[] }>(`/api/people/${a}/eligibility?on=2023-02-27`);
    expect(last.body.eligible).toBe(false);
    expect(last.body.reasons[0]?.text).toContain('党纪严重警告');
    expect((await get<{ eligible: boolean }>(`/api/people/${a}/eligibility?on=2023-02-28`)).body.eligible).toBe(true);
    const office1 = await get<{ eligible: boolean; reasons: null }>(`/api/people/${a}/eligibility?on=2023-02-27`, office);
    expect(office1.body).toMatchObject({ eligible: false, reasons: null });
    // 诫勉 (b, 2021-08-31, six months) and an investigation.
    expect((await get<{ reasons: { kind: string }[] }>(`/api/people/${b}/eligibility?on=2022-02-27`)).body.reasons.map((x) => x.kind)).toContain('admonishment');
    expect((await send('PUT', `/api/people/${masses}/investigation`, { underInvestigation: true, date: '2026-01-05', caseNumber: '青纪立〔2026〕3号' })).status).toBe(200);
    const inv = await get<{ eligible: boolean; reasons: { kind: string }[] }>(`/api/people/${masses}/eligibility`);
    expect(inv.body.reasons.map((x) => x.kind)).toEqual(['investigation']);
    expect((await send('PUT', `/api/people/${masses}/investigation`, { underInvestigation: false, reason: '审查结束' })).status).toBe(200);
    expect((await get<{ eligible: boolean }>(`/api/people/${masses}/eligibility`)).body.eligible).toBe(true);
    const events = await t.handle.db.selectFrom('audit_event').select('kind').where('kind', 'like', 'person.investigation%').execute();
    expect(events).toHaveLength(2);
  });

  it('refuses an ineligible person a post unless the office gives a reason, marked and audited', async () => {
    const body = { personId: a, termId, committee: 'party', position: 'member', startDate: '2022-01-10', how: 'elected' };
    const refused = await send('POST', '/api/posts', body, office);
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('ineligible');
    expect(refused.body.error.message).toContain('不符合任职资格');
    // No sanction details for the office.
    expect(refused.body.error.message).not.toContain('警告');
    const ok = await send<{ post: { id: number; eligibility_override: string } }>('POST', '/api/posts', { ...body, eligibilityOverride: '经党工委会议研究同意' }, office);
    expect(ok.status).toBe(201);
    expect(ok.body.post.eligibility_override).toBe('经党工委会议研究同意');
    const roster = await get<{ party: { person_id: number; eligibilityOverridden: boolean }[] }>(`/api/orgs/${village}/roster?asOf=2022-01-10`, office);
    expect(roster.body.party.find((p) => p.person_id === a)?.eligibilityOverridden).toBe(true);
    const ev = await t.handle.db.selectFrom('audit_event').select('details').where('kind', '=', 'eligibility.overridden').execute();
    expect(ev[0]?.details).toMatchObject({ personId: a, reason: '经党工委会议研究同意' });
  });

  it('refuses ineligible people in a roster import unless overridden', async () => {
    const idA = openIdNumber(t.handle.db, (await t.handle.db.selectFrom('person').select('id_number_enc').where('id', '=', a).executeTakeFirstOrThrow()).id_number_enc);
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('花名册');
    ws.addRow(IMPORT_COLUMNS.map((col) => col.header));
    const values: Record<string, string | number> = {
      village: '柳村', ordinal: 11, electionDate: '2022-01-10', name: '甲', gender: '男', idNumber: idA, birthDate: '1980-06-15', ethnicity: '汉族',
      politicalStatus: '中共党员', partyJoinDate: '2005-07-01', educationFullTime: '高中', educationHighest: '大学专科', committee: '村民委员会', position: '委员',
      startDate: '2022-01-10', how: '换届选举',
    };
    ws.addRow(IMPORT_COLUMNS.map((col) => values[col.key] ?? null));
    const file = Buffer.from(await wb.xlsx.writeBuffer());
    const upload = (override?: string) => {
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(file)]), 'roster.xlsx');
      if (override) form.append('eligibilityOverride', override);
      return t.app.request(`${TEST_ORIGIN}/api/roster/import/preview`, { method: 'POST', headers: { origin: TEST_ORIGIN, host: 'qingfeng.test', cookie: office }, body: form });
    };
    const without = (await (await upload()).json()) as { ok: boolean; problems: { message: string }[] };
    expect(without.ok).toBe(false);
    expect(without.problems[0]?.message).toContain('甲在2022-01-10不符合任职资格');
    const withReason = (await (await upload('经党工委会议研究同意')).json()) as { ok: boolean; overridden: { name: string }[] };
    expect(withReason.ok).toBe(true);
    expect(withReason.overridden.map((o) => o.name)).toEqual(['甲']);
    expect(testIdNumber('1980-06-15', 'male', 1)).toHaveLength(18);
  });

  it('lists a candidate review with each one eligible or not on the election date', async () => {
    const r = await get<{ rows: { personId: number; eligible: boolean; reasons: string[] }[] }>(`/api/discipline/candidate-review?org=${village}&on=2022-01-10&people=${a},${b},${masses}`);
    expect(r.status).toBe(200);
    expect(r.body.rows.map((x) => x.eligible)).toEqual([false, false, true]);
    const asOffice = await get<{ rows: { reasons: string[] }[] }>(`/api/discipline/candidate-review?org=${village}&on=2022-01-10&people=${a}`, office);
    expect(asOffice.body.rows[0]?.reasons).toEqual([]);
    // One page at a time, the counts over the whole list, in the order chosen; the reasons as text.
    type Review = { total: number; ineligible: number; page: number; rows: { personId: number; name: string; eligible: boolean; reasons: string[] }[] };
    const page2 = await get<Review>(`/api/discipline/candidate-review?org=${village}&on=2022-01-10&people=${masses},${b},${a}&page=2&pageSize=2`);
    expect(page2.body).toMatchObject({ total: 3, ineligible: 2, page: 2 });
    expect(page2.body.rows.map((x) => x.personId)).toEqual([a]);
    expect(page2.body.rows[0]?.reasons.join('；')).toMatch(/影响期/);
    const past = await get<Review>(`/api/discipline/candidate-review?org=${village}&on=2022-01-10&people=${a},${b}&page=9`);
    expect(past.body).toMatchObject({ total: 2, ineligible: 2, rows: [] });
    expect((await get(`/api/discipline/candidate-review?org=${village}&on=2022-01-10&people=${a},99999999`)).status).toBe(404);
    expect((await get(`/api/discipline/candidate-review?org=${village}&on=2022-01-10&people=${Array.from({ length: 10_001 }, (_, i) => i + 1).join(',')}`)).status).toBe(400);
    // The PDF holds every row (no paging) and the counts; the 联审 sheet goes into the election file: PDF/A-2b.
    const pdf = await call(t.app, 'GET', `/api/discipline/candidate-review.pdf?org=${village}&on=2022-01-10&people=${a},${b},${masses}`, { cookie: inspector });
    expect(pdf.status).toBe(200);
    const dir = mkdtempSync(join(tmpdir(), 'review-'));
    try {
      const file = join(dir, 'r.pdf');
      const bytes = new Uint8Array(await pdf.arrayBuffer());
      expectPdfA2b(bytes, 'candidate-review');
      writeFileSync(file, bytes);
      const text = execFileSync('pdftotext', ['-layout', file, '-']).toString().replace(/ +/g, '');
      for (const w of ['候选人3名，其中不符合资格2名', '甲', '乙', '符合']) expect(text, w).toContain(w);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe(`visibility (${engineLabel()})`, () => {
  it('refuses secretaries everywhere in this module and auditors every write', async () => {
    const reads = [
      '/api/talks',
      '/api/talks/1',
      '/api/sanctions',
      '/api/sanctions/1',
      '/api/reports/integrity?year=2021',
      '/api/reports/integrity/records?year=2021&figure=reminderTalks',
      '/api/reports/four-forms',
      '/api/reports/four-forms/records?form=first',
      `/api/people/${a}/eligibility`,
      `/api/people/${a}/archive`,
      `/api/people/${a}/archive.pdf`,
      '/api/discipline/desk',
      '/api/discipline/options',
      '/api/discipline/people?search=甲',
      `/api/discipline/candidates?org=${village}`,
      `/api/discipline/candidate-review?org=${village}&on=2022-01-10&people=${a}`,
    ];
    for (const path of reads) expect((await get(path, secretary)).status, path).toBe(403);
    for (const path of ['/api/talks', '/api/sanctions', '/api/reports/integrity?year=2021']) expect((await get(path, office)).status, path).toBe(403);
    const writes: [string, string][] = [
      ['POST', '/api/talks'],
      ['PUT', '/api/talks/1'],
      ['DELETE', '/api/talks/1'],
      ['POST', '/api/sanctions'],
      ['POST', '/api/sanctions/1/revoke'],
      ['POST', '/api/sanctions/1/appeal'],
      ['PUT', `/api/people/${a}/investigation`],
    ];
    for (const cookie of [secretary, auditor, office])
      for (const [method, path] of writes) expect((await send(method, path, {}, cookie)).status, `${method} ${path}`).toBe(403);
  });

  it('answers 404 outside the caller’s scope', async () => {
    const local = (await createUserAndLogin(t, { username: 'insp2', role: 'inspector', orgUnitId: otherVillage })).cookie;
    expect((await get(`/api/people/${a}/archive`, local)).status).toBe(404);
    expect((await get(`/api/reports/integrity?year=2021&org=${village}`, local)).status).toBe(404);
    const own = await get<{ figures: IntegrityFigures }>(`/api/reports/integrity?year=2021`, local);
    expect(own.body.figures.partySanctionedPersons).toBe(1);
  });

  it('serves the archive with posts, talks, sanctions and eligibility, and its PDF', async () => {
    const r = await get<{ sanctions: unknown[]; talks: unknown[]; posts: unknown[]; eligibility: { eligible: boolean }; person: { id_number: string; birth_date: string } }>(`/api/people/${a}/archive`, auditor);
    expect(r.status).toBe(200);
    expect(r.body.posts).toHaveLength(1);
    expect(r.body.talks.length).toBeGreaterThanOrEqual(2);
    expect(r.body.sanctions).toHaveLength(1);
    expect(r.body.person.id_number).toContain('*');
    // Masked roles get 出生年月 only, so the masked digits cannot be rebuilt from the birth date.
    expect(r.body.person.birth_date).toMatch(/^\d{4}-\d{2}$/);
    const pdf = await call(t.app, 'GET', `/api/people/${a}/archive.pdf`, { cookie: auditor });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const archive = Buffer.from(await pdf.arrayBuffer());
    expect(archive.subarray(0, 5).toString()).toBe('%PDF-');
    expectPdfA2b(archive, 'integrity-archive');
    expect(outsider).toBeGreaterThan(0);
  });

  it('lists the decisions the person took part in with their opinion, and their current pledge signatures', async () => {
    const db = t.handle.db;
    const meeting = await db.insertInto('decision_meeting').values({ org_unit_id: village, kind: 'joint_committees', held_on: '2021-05-06', held_time: null, updated_at: new Date() }).returning('id').executeTakeFirstOrThrow();
    const members = await db
      .insertInto('decision_member')
      .values([
        { meeting_id: meeting.id, person_id: a, name: '甲', role: 'member', attendance: 'present', sort_order: 1 },
        { meeting_id: meeting.id, person_id: b, name: '乙', role: 'member', attendance: 'absent', sort_order: 2 },
      ])
      .returning('id')
      .execute();
    const item = await db
      .insertInto('decision_item')
      .values({ meeting_id: meeting.id, org_unit_id: village, seq: 1, category: 'large_fund', title: '村道硬化工程资金使用', amount_fen: 30_000_000, outcome: 'adopted', flags: [], updated_at: new Date() })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db.insertInto('decision_opinion').values({ item_id: item.id, member_id: members[0]!.id, position: 1, opinion: 'disagree', remark: '预算偏高' }).execute();

    const template = await db.insertInto('pledge_template').values({ org_unit_id: t.rootOrgId, name: '承诺书' }).returning('id').executeTakeFirstOrThrow();
    const version = await db
      .insertInto('pledge_template_version')
      .values({ template_id: template.id, version_no: 2, title: '廉洁自律承诺书', paragraphs: ['本人承诺廉洁自律。'], published_at: new Date(), updated_at: new Date() })
      .returning('id')
      .executeTakeFirstOrThrow();
    const campaign = await db
      .insertInto('pledge_campaign')
      .values({ org_unit_id: t.rootOrgId, template_version_id: version.id, title: '2021年度廉洁自律承诺', start_date: '2021-03-01', due_date: '2021-03-31', closed_at: null, updated_at: new Date() })
      .returning('id')
      .executeTakeFirstOrThrow();
    const user = await db.selectFrom('app_user').select('id').where('username', '=', 'insp').executeTakeFirstOrThrow();
    const sign = async (at: string, code: string, supersedes: number | null) => {
      const doc = await db.insertInto('document').values({ number: `QF-T-${code}`, kind: 'pledge', title: '廉洁自律承诺书', org_unit_id: village, content_sha256: '0'.repeat(64), file_sha256: null, byte_size: null, created_by: null }).returning('id').executeTakeFirstOrThrow();
      const row = await db
        .insertInto('pledge_signature')
        .values({
          campaign_id: campaign.id, person_id: a, template_version_id: version.id, org_unit_id: village, signer_name: '甲', campaign_title: '2021年度廉洁自律承诺', org_name: '柳村', header_org_name: '柳村', signed_at: new Date(at), ip: null, user_agent: null,
          auth_method: 'password', user_id: user.id, link_id: null, text_sha256: '1'.repeat(64), image_png: new Uint8Array([1]), image_sha256: '2'.repeat(64),
          verification_code: code, verify_url: `${TEST_ORIGIN}/verify/${code}`, document_id: doc.id, supersedes_id: supersedes,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    };
    const first = await sign('2021-03-02T01:00:00Z', 'AAAA-BBBB-CCCC', null);
    await sign('2021-03-31T16:30:00Z', 'DDDD-EEEE-FFFF', first); // 2021-04-01 00:30 Beijing time

    const r = await get<{ decisions: { title: string; held_on: string; org_name: string; categoryLabel: string; opinionLabel: string; remark: string; outcomeLabel: string }[]; pledges: { campaign_title: string; version_no: number; signed_at: string; verification_code: string }[] }>(`/api/people/${a}/archive`, auditor);
    expect(r.status).toBe(200);
    expect(r.body.decisions).toEqual([expect.objectContaining({ title: '村道硬化工程资金使用', held_on: '2021-05-06', org_name: '柳村', categoryLabel: '大额度资金使用', opinionLabel: '不同意', remark: '预算偏高', outcomeLabel: '通过' })]);
    expect(r.body.pledges).toEqual([expect.objectContaining({ campaign_title: '2021年度廉洁自律承诺', version_no: 2, signed_at: '2021-04-01 00:30', verification_code: 'DDDD-EEEE-FFFF' })]);
    // 乙 was absent: the meeting is not theirs; nobody else's signatures show.
    const other = await get<{ decisions: unknown[]; pledges: unknown[] }>(`/api/people/${b}/archive`, auditor);
    expect(other.body.decisions).toEqual([]);
    expect(other.body.pledges).toEqual([]);

    const pdf = await call(t.app, 'GET', `/api/people/${a}/archive.pdf`, { cookie: auditor });
    expect(pdf.status).toBe(200);
    const dir = mkdtempSync(join(tmpdir(), 'archive-'));
    try {
      const file = join(dir, 'a.pdf');
      writeFileSync(file, Buffer.from(await pdf.arrayBuffer()));
      const text = execFileSync('pdftotext', ['-layout', file, '-']).toString().replace(/ +/g, '');
      for (const w of ['参与“三重一大”决策及个人意见', '村道硬化工程资金使用', '大额度资金使用', '不同意（预算偏', '通过', '六、廉洁自律承诺', '2021年度廉洁自律承诺', '第2版', '2021-04-0100:30', 'DDDD-EEEE-FFFF']) expect(text, w).toContain(w);
      expect(text).not.toContain('AAAA-BBBB-CCCC');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
