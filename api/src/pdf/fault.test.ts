// Finding 1 of the security review: a document that fails while it is drawn must end that one response
// and nothing else. Before the fix, a stored 民族 code 'toString' (let through by `code in ETHNICITIES`)
// made every roster PDF above the village crash the process (ERR_INVALID_STATE: the stream was written
// after it had been closed with an error) and roster.xlsx answer 500.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sealIdNumber } from '@qingfeng/db';
import { idChecksumChar } from '../modules/roster/identity.ts';
import { call, createOrg, createTestContext, createUserAndLogin, engineLabel, type TestContext } from '../testing/harness.ts';
import { PdfBuilder } from './document.ts';

let t: TestContext;
let village: { id: number };
let office: string;
const uncaught: unknown[] = [];
const onUncaught = (err: unknown) => uncaught.push(err);

function idNumber(n: number): string {
  const first17 = `37030219800101${String(100 + n * 2 + 1).padStart(3, '0')}`;
  return first17 + idChecksumChar(first17);
}

beforeAll(async () => {
  t = await createTestContext();
  village = await createOrg(t, t.rootOrgId, 'village', '柳河村');
  office = (await createUserAndLogin(t, { username: 'office', role: 'org_office' })).cookie;
  const term = await t.handle.db
    .insertInto('term')
    .values({ org_unit_id: village.id, ordinal: 1, election_date: '2021-01-10', start_date: '2021-01-10', end_date: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  // Stored codes no validator would let in now: written straight into the table, as an old bug or a
  // hand-edited database could have left them.
  for (const [n, ethnicity] of [[1, 'toString'], [2, 'constructor'], [3, '__proto__']] as const) {
    const person = await t.handle.db
      .insertInto('person')
      .values({
        org_unit_id: village.id,
        name: `测试${n}`,
        gender: 'male',
        ...sealIdNumber(t.handle.db, idNumber(n)),
        birth_date: '1980-01-01',
        ethnicity,
        political_status: 'cpc_member',
        education_highest: 'associate',
        updated_at: new Date(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await t.handle.db
      .insertInto('post')
      .values({ person_id: person.id, org_unit_id: village.id, term_id: term.id, committee: 'party', position: n === 1 ? 'secretary' : 'member', start_date: '2021-01-10', how: 'elected' })
      .execute();
  }
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);
});
afterAll(async () => {
  process.off('uncaughtException', onUncaught);
  process.off('unhandledRejection', onUncaught);
  await t?.close();
});

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe(`document faults (${engineLabel()})`, () => {
  it('refuses inherited property names as 民族 codes', async () => {
    for (const ethnicity of ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf']) {
      const res = await call(t.app, 'POST', '/api/people', {
        cookie: office,
        json: { orgUnitId: village.id, name: '张三', gender: 'male', idNumber: idNumber(9), birthDate: '1980-01-01', ethnicity, politicalStatus: 'masses', educationHighest: 'associate' },
      });
      expect(res.status, ethnicity).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('validation');
    }
  });

  it('exports roster.xlsx and roster.pdf of a village holding bad stored codes (the code printed as itself)', async () => {
    const xlsx = await call(t.app, 'GET', `/api/orgs/${village.id}/roster.xlsx`, { cookie: office });
    expect(xlsx.status).toBe(200);
    expect((await xlsx.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    for (const org of [village.id, t.rootOrgId]) {
      const pdf = await call(t.app, 'GET', `/api/orgs/${org}/roster.pdf`, { cookie: office });
      expect(pdf.status).toBe(200);
      const bytes = new Uint8Array(await pdf.arrayBuffer());
      expect(new TextDecoder().decode(bytes.slice(-6))).toContain('%%EOF');
    }
    await settle();
    expect(uncaught).toEqual([]);
  });

  it('a drawing error mid-document ends that response only; the app keeps answering', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    // Fail after the title block, once the document has started streaming (a roster of a subdistrict
    // draws one heading per village).
    const spy = vi.spyOn(PdfBuilder.prototype, 'heading').mockImplementation(() => {
      throw new Error('injected drawing failure');
    });
    try {
      const res = await call(t.app, 'GET', `/api/orgs/${t.rootOrgId}/roster.pdf`, { cookie: office });
      expect(res.status).toBe(200);
      // The body ends with an error (a broken download, never a complete-looking file).
      await expect(res.arrayBuffer()).rejects.toThrow(/failed \(ref [0-9a-f]{8}\)/);
      await settle();
      expect(uncaught).toEqual([]);
      const logged = errors.mock.calls.map((args) => args.map(String).join(' ')).join('\n');
      expect(logged).toMatch(/\[pdf\] ref [0-9a-f]{8} drawing failed/);
      // No personal data in the log line: no ID number, no name.
      expect(logged).not.toContain(idNumber(1));
      expect(logged).not.toContain('测试1');
    } finally {
      spy.mockRestore();
      errors.mockRestore();
    }
    const again = await call(t.app, 'GET', `/api/orgs/${village.id}/roster.pdf`, { cookie: office });
    expect(again.status).toBe(200);
    expect((await again.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    const health = await call(t.app, 'GET', '/api/health');
    expect(health.status).toBe(200);
  });

  it('a client abandoning the download mid-document stops the drawing without writes after close', async () => {
    const res = await call(t.app, 'GET', `/api/orgs/${t.rootOrgId}/roster.pdf`, { cookie: office });
    const reader = res.body!.getReader();
    await reader.read();
    await reader.cancel();
    await settle();
    expect(uncaught).toEqual([]);
    expect((await call(t.app, 'GET', '/api/health')).status).toBe(200);
  });
});
