import { describe, expect, it } from 'vitest';
import {
  canonicalPledgeText,
  daysBetween,
  idSuffixMatches,
  linkState,
  maskName,
  needsReminder,
  normalizeVerificationCode,
  pledgeCountPhrase,
  pledgeSentence,
  shanghaiYearRange,
  signerStatus,
  verificationCodeFrom,
} from './rules.ts';
import { checkSignaturePng, drawnSignaturePng, encodePng, MAX_PNG_BYTES } from './png.ts';
import { crc32, deflateSync } from 'node:zlib';

describe('pledge count phrasing (domain.md §7)', () => {
  it.each([
    [0, '0份'],
    [87, '87份'],
    [99, '99份'],
    [100, '100份'],
    [101, '100余份'],
    [200, '200份'],
    [213, '200余份'],
    [1999, '1900余份'],
  ])('%i → %s', (n, phrase) => {
    expect(pledgeCountPhrase(n)).toBe(phrase);
  });
  it('writes the reference sentence', () => {
    expect(pledgeSentence(213)).toBe('与机关干部、村居\u201c两委\u201d成员签订廉洁自律承诺书200余份');
  });
});

describe('signer status and reminders', () => {
  it('is pending up to and including the due date, overdue from the day after', () => {
    expect(signerStatus(false, '2026-03-10', '2026-03-10')).toBe('pending');
    expect(signerStatus(false, '2026-03-11', '2026-03-10')).toBe('overdue');
    expect(signerStatus(true, '2026-03-11', '2026-03-10')).toBe('signed');
  });
  it('reminds within 7 days of the due date', () => {
    expect(daysBetween('2026-02-27', '2026-03-01')).toBe(2);
    expect(needsReminder('2026-03-03', '2026-03-10')).toBe(true);
    expect(needsReminder('2026-03-02', '2026-03-10')).toBe(false);
    expect(needsReminder('2026-03-12', '2026-03-10')).toBe(true);
  });
});

describe('links', () => {
  const base = { expiresAt: new Date('2026-03-15T00:00:00Z'), revokedAt: null, voidedAt: null, usedAt: null };
  it('expires at its end instant (half-open)', () => {
    expect(linkState(base, new Date('2026-03-14T23:59:59Z'))).toBe('active');
    expect(linkState(base, new Date('2026-03-15T00:00:00Z'))).toBe('expired');
  });
  it('used wins over revoked and voided', () => {
    expect(linkState({ ...base, usedAt: new Date(), revokedAt: new Date() }, new Date('2026-03-01'))).toBe('used');
    expect(linkState({ ...base, voidedAt: new Date() }, new Date('2026-03-01'))).toBe('voided');
  });
  it('matches the last six ID characters, X in either case', () => {
    expect(idSuffixMatches('37030219800615001X', '15001x')).toBe(true);
    expect(idSuffixMatches('37030219800615001X', ' 15001X ')).toBe(true);
    expect(idSuffixMatches('37030219800615001X', '150010')).toBe(false);
    expect(idSuffixMatches('37030219800615001X', '5001X')).toBe(false);
  });
});

describe('masking and codes', () => {
  it('masks names as 张*明', () => {
    expect(maskName('张晓明')).toBe('张*明');
    expect(maskName('欧阳晓明')).toBe('欧**明');
    expect(maskName('李红')).toBe('李*');
    expect(maskName('王')).toBe('*');
  });
  it('formats and normalises verification codes', () => {
    const code = verificationCodeFrom(new Uint8Array(12).map((_, i) => i * 7));
    expect(code).toMatch(/^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$/);
    expect(normalizeVerificationCode(code.toLowerCase().replaceAll('-', ' '))).toBe(code);
    expect(normalizeVerificationCode('AAAA-BBBB-CCC0')).toBeNull();
    expect(normalizeVerificationCode('AAAA')).toBeNull();
  });
});

describe('canonical text', () => {
  it('is the documented lines, so a changed paragraph, signer or campaign changes the hash input', () => {
    const t = { campaignId: 3, personId: 7, signerName: '张晓明', templateVersionId: 2, title: '承诺书', paragraphs: ['甲', '乙\r\n丙'] };
    expect(canonicalPledgeText(t)).toBe('qingfeng-pledge-v1\ncampaign:3\nsigner:7:张晓明\nversion:2\ntitle:承诺书\n甲\n乙\n丙');
    expect(canonicalPledgeText({ ...t, campaignId: 4 })).not.toBe(canonicalPledgeText(t));
  });
  it('Asia/Shanghai years are half-open', () => {
    const { start, end } = shanghaiYearRange(2021);
    expect(start.toISOString()).toBe('2020-12-31T16:00:00.000Z');
    expect(end.toISOString()).toBe('2021-12-31T16:00:00.000Z');
  });
});

describe('signature PNG check', () => {
  it('accepts a drawn signature, deterministic per seed', () => {
    expect(checkSignaturePng(drawnSignaturePng(5))).toMatchObject({ ok: true, width: 360, height: 120 });
    expect(Buffer.from(drawnSignaturePng(5)).equals(Buffer.from(drawnSignaturePng(5)))).toBe(true);
  });
  it('refuses non-PNGs, blank pads, broken CRCs, bombs and out-of-bounds sizes', () => {
    expect(checkSignaturePng(new TextEncoder().encode('GIF89a....')).ok).toBe(false);
    expect(checkSignaturePng(encodePng(100, 40, new Uint8Array(100 * 40 * 4)))).toMatchObject({ ok: false, message: '请先手写签名' });
    const broken = drawnSignaturePng(5).slice();
    broken[40] = broken[40]! ^ 0xff;
    expect(checkSignaturePng(broken).ok).toBe(false);
    expect(checkSignaturePng(encodePng(3000, 40, new Uint8Array(3000 * 40 * 4).fill(9))).ok).toBe(false);
    expect(checkSignaturePng(new Uint8Array(MAX_PNG_BYTES + 1)).ok).toBe(false);
    // Header promises 100×40; the data inflates to far more: refused without inflating it all.
    const png = encodePng(100, 40, new Uint8Array(100 * 40 * 4).fill(9));
    const bomb = Buffer.from(png);
    const idatStart = bomb.indexOf('IDAT') - 4;
    const data = deflateSync(Buffer.alloc(50_000_000));
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([Buffer.from('IDAT'), data])));
    const end = bomb.subarray(bomb.indexOf('IEND') - 4);
    const forged = Buffer.concat([bomb.subarray(0, idatStart), len, Buffer.from('IDAT'), data, crc, end]);
    expect(checkSignaturePng(new Uint8Array(forged))).toMatchObject({ ok: false });
  });
});
