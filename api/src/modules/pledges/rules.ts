// Integrity pledges (domain.md §7): pure rules, no I/O — the web imports this file too.

/** Days a one-time signing link stays valid. */
export const LINK_VALID_DAYS = 14;
/** Wrong ID-number suffixes after which a link is void. */
export const LINK_MAX_FAILURES = 5;
/** Characters of the ID number the link asks for. */
export const ID_SUFFIX_LENGTH = 6;
/** A signer's home page shows a reminder this many days before the due date (and after it). */
export const REMINDER_DAYS = 7;

export type SignerStatus = 'signed' | 'pending' | 'overdue';
export const SIGNER_STATUS_LABELS: Record<SignerStatus, string> = { signed: '已签署', pending: '待签署', overdue: '逾期未签' };

export type LinkState = 'active' | 'expired' | 'revoked' | 'voided' | 'used';
export const LINK_STATE_LABELS: Record<LinkState, string> = {
  active: '有效',
  expired: '已过期',
  revoked: '已撤销',
  voided: '已作废（身份核验失败次数过多）',
  used: '已使用',
};

export const AUTH_METHOD_LABELS = { password: '登录账号并以密码确认', link: '一次性签署链接并核验身份证号后6位' } as const;

/**
 * A signer's status in a campaign: signed when a current (not superseded) signature is on the
 * campaign's version; otherwise pending up to and including the due date, overdue from the day after.
 */
export function signerStatus(signedCurrentVersion: boolean, today: string, dueDate: string): SignerStatus {
  if (signedCurrentVersion) return 'signed';
  return today > dueDate ? 'overdue' : 'pending';
}

/** Whether a pending signer's home page shows the campaign as a reminder (due within REMINDER_DAYS, or past). */
export function needsReminder(today: string, dueDate: string, days = REMINDER_DAYS): boolean {
  return daysBetween(today, dueDate) <= days;
}

/** Whole days from a to b ('YYYY-MM-DD'); negative when b is before a. */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

export function linkState(
  l: { expiresAt: Date; revokedAt: Date | null; voidedAt: Date | null; usedAt: Date | null },
  now: Date,
): LinkState {
  if (l.usedAt) return 'used';
  if (l.revokedAt) return 'revoked';
  if (l.voidedAt) return 'voided';
  if (now.getTime() >= l.expiresAt.getTime()) return 'expired';
  return 'active';
}

/** The ID-number suffix as typed: spaces dropped, a lower-case x accepted for the check digit X. */
export function normalizeIdSuffix(input: string): string {
  return input.replace(/\s+/g, '').toUpperCase();
}

/** Compares the last six characters without an early exit (no timing hint on how many matched). */
export function idSuffixMatches(idNumber: string, input: string): boolean {
  const expected = idNumber.toUpperCase().slice(-ID_SUFFIX_LENGTH);
  const given = normalizeIdSuffix(input);
  if (given.length !== ID_SUFFIX_LENGTH || expected.length !== ID_SUFFIX_LENGTH) return false;
  let diff = 0;
  for (let i = 0; i < ID_SUFFIX_LENGTH; i++) diff |= expected.charCodeAt(i) ^ given.charCodeAt(i);
  return diff === 0;
}

/** 张*明: first and last character kept, the middle masked (two characters: 张*). */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length <= 1) return '*';
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}

// ---- the text signed, in canonical form ----

export interface SignedText {
  campaignId: number;
  personId: number;
  signerName: string;
  templateVersionId: number;
  title: string;
  paragraphs: readonly string[];
}

/**
 * The exact bytes whose SHA-256 is stored as `text_sha256` (documented in ARCHITECTURE.md): UTF-8 of
 * these lines joined by LF, no trailing LF. Paragraphs are as published (the version is immutable), so
 * the verify page can recompute the hash from the stored version, campaign and signer at any time.
 *
 *   qingfeng-pledge-v1
 *   campaign:<campaign id>
 *   signer:<person id>:<name at signing>
 *   version:<template version id>
 *   title:<title>
 *   <paragraph 1>
 *   …
 */
export function canonicalPledgeText(t: SignedText): string {
  return [
    'qingfeng-pledge-v1',
    `campaign:${t.campaignId}`,
    `signer:${t.personId}:${t.signerName}`,
    `version:${t.templateVersionId}`,
    `title:${t.title}`,
    ...t.paragraphs.map((p) => p.replace(/\r\n?/g, '\n')),
  ].join('\n');
}

// ---- verification codes ----

/** 32 letters and digits without 0/O and 1/I, so a code read off paper is typed right. */
export const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export const CODE_LENGTH = 12;

/** Formats 12 random bytes (only the low 5 bits of each are used) as XXXX-XXXX-XXXX: 60 bits. */
export function verificationCodeFrom(bytes: Uint8Array): string {
  if (bytes.length < CODE_LENGTH) throw new Error('need 12 random bytes');
  let out = '';
  for (let i = 0; i < CODE_LENGTH; i++) out += CODE_ALPHABET[bytes[i]! & 31];
  return formatCode(out);
}

function formatCode(raw: string): string {
  return raw.match(/.{4}/g)!.join('-');
}

/** A typed code in canonical form, or null when it cannot be one. */
export function normalizeVerificationCode(input: string): string | null {
  const raw = input.toUpperCase().replace(/[\s-]/g, '');
  if (raw.length !== CODE_LENGTH) return null;
  for (const ch of raw) if (!CODE_ALPHABET.includes(ch)) return null;
  return formatCode(raw);
}

// ---- figures ----

/**
 * The reference's phrasing of the number of pledges (domain.md §7): from 100 on, a number that is not a
 * whole hundred reads "⌊N/100⌋×100余份" (213 → 200余份); otherwise the exact number (200 → 200份, 87 → 87份).
 */
export function pledgeCountPhrase(n: number): string {
  if (n >= 100 && n % 100 !== 0) return `${Math.floor(n / 100) * 100}余份`;
  return `${n}份`;
}

/** The reference sentence with the figure. */
export function pledgeSentence(n: number): string {
  return `与机关干部、村居\u201c两委\u201d成员签订廉洁自律承诺书${pledgeCountPhrase(n)}`;
}

/** [start, end) of an Asia/Shanghai calendar year as instants. */
export function shanghaiYearRange(year: number): { start: Date; end: Date } {
  return { start: new Date(Date.UTC(year, 0, 1, -8)), end: new Date(Date.UTC(year + 1, 0, 1, -8)) };
}

/** The paragraphs of a template body as entered: blank lines separate nothing, each non-empty line is one. */
export function splitParagraphs(body: string): string[] {
  return body
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}

/** 身份类别 (domain.md §4) as the pledge pages show them. */
export const PERSON_CATEGORY_LABELS = {
  village_cadre: '村(社区)干部',
  civil_servant: '公务员/参公人员',
  public_employee: '其他公职人员',
  party_member: '其他党员',
  other: '其他',
} as const;
