import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../audit/queries.ts';
import { sha256Hex } from '../pdf/hash.ts';
import { call, createTestContext, engineLabel, login, type TestContext } from '../testing/harness.ts';
import { drawnSignaturePng } from '../modules/pledges/png.ts';
import { DEMO_PASSWORD, seedDemo } from './seed.ts';
import { DEMO_PLEDGES_2021, DEMO_RESIGNED_2021 } from './pledges.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
  t.clock.current = new Date('2026-12-01T02:00:00Z');
  const r = await seedDemo(t.handle.db, t.clock, () => {});
  expect(r.seeded).toBe(true);
}, 180_000);
afterAll(async () => {
  await t?.close();
});

describe(`demo pledges (${engineLabel()})`, () => {
  it('2021: 213 pledges, five superseded re-signatures not counted — 200余份', async () => {
    const cookie = await login(t.app, 'shenji', DEMO_PASSWORD);
    const r = await (await call(t.app, 'GET', '/api/reports/pledges?year=2021', { cookie })).json();
    expect(r.pledgesSigned).toBe(DEMO_PLEDGES_2021);
    expect(r.phrase).toBe('200余份');
    expect(r.sentence).toBe('与机关干部、村居\u201c两委\u201d成员签订廉洁自律承诺书200余份');
    const rows = await t.handle.db.selectFrom('pledge_signature').select(['supersedes_id', 'signed_at']).execute();
    expect(rows.filter((x) => x.supersedes_id !== null && x.signed_at.getUTCFullYear() === 2021)).toHaveLength(DEMO_RESIGNED_2021);
    const records = await (await call(t.app, 'GET', '/api/reports/pledges/records?year=2021&pageSize=200', { cookie })).json();
    expect(records.total).toBe(r.pledgesSigned);
    const sumVillages = r.byVillage.reduce((n: number, v: { pledgesSigned: number }) => n + v.pledgesSigned, 0);
    expect(sumVillages).toBe(r.pledgesSigned);
    // The 2021 campaign's dashboard: everyone signed.
    const list = await (await call(t.app, 'GET', '/api/pledges/campaigns?year=2021', { cookie })).json();
    expect(list.items[0]).toMatchObject({ total: 213, signed: 213, pending: 0, overdue: 0 });
  });

  it('cunshuji has the open campaign to sign, signs it, and the pledge verifies', async () => {
    const cookie = await login(t.app, 'cunshuji', DEMO_PASSWORD);
    const mine = await (await call(t.app, 'GET', '/api/pledges/mine', { cookie })).json();
    expect(mine.pending).toHaveLength(1);
    expect(mine.pending[0].reminder).toBe(true);
    const campaignId = mine.pending[0].campaignId;
    const image = `data:image/png;base64,${Buffer.from(drawnSignaturePng(42)).toString('base64')}`;
    const signed = await call(t.app, 'POST', `/api/pledges/mine/${campaignId}/sign`, { cookie, json: { image, password: DEMO_PASSWORD } });
    expect(signed.status).toBe(201);
    const { verificationCode } = await signed.json();
    const verify = await (await call(t.app, 'GET', `/api/pledges/public/verify/${verificationCode}`)).json();
    expect(verify.integrity.intact).toBe(true);
    // The QR sheet of 柳河村 has codes for the members without accounts.
    const office = await login(t.app, 'dangjianban', DEMO_PASSWORD);
    const village = await t.handle.db.selectFrom('org_unit').select('id').where('name', '=', '柳河村').executeTakeFirstOrThrow();
    const before = await t.handle.db.selectFrom('pledge_link').select((eb) => eb.fn.countAll<number>().as('n')).where('used_at', 'is', null).executeTakeFirstOrThrow();
    const sheet = await call(t.app, 'POST', `/api/pledges/campaigns/${campaignId}/qr-sheet.pdf?org=${village.id}`, { cookie: office });
    expect(sheet.status).toBe(200);
    await sheet.arrayBuffer();
    const after = await t.handle.db.selectFrom('pledge_link').select((eb) => eb.fn.countAll<number>().as('n')).where('used_at', 'is', null).executeTakeFirstOrThrow();
    expect(Number(after.n) - Number(before.n)).toBeGreaterThan(0);
  });

  it('a demo pledge is registered on its first download and gives the same bytes after', async () => {
    const cookie = await login(t.app, 'shenji', DEMO_PASSWORD);
    const { id } = await t.handle.db.selectFrom('pledge_signature').select('id').orderBy('id').executeTakeFirstOrThrow();
    const a = new Uint8Array(await (await call(t.app, 'GET', `/api/pledges/signatures/${id}/pledge.pdf`, { cookie })).arrayBuffer());
    const b = new Uint8Array(await (await call(t.app, 'GET', `/api/pledges/signatures/${id}/pledge.pdf`, { cookie })).arrayBuffer());
    expect(sha256Hex(a)).toBe(sha256Hex(b));
    const doc = await t.handle.db
      .selectFrom('pledge_signature as s')
      .innerJoin('document as d', 'd.id', 's.document_id')
      .select('d.file_sha256')
      .where('s.id', '=', id)
      .executeTakeFirstOrThrow();
    expect(doc.file_sha256).toBe(sha256Hex(a));
    expect((await verifyAuditChain(t.handle.db)).ok).toBe(true);
  });
});
