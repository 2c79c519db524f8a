// What the discipline routes share: who may do what (domain.md §10), scope, and the 400 for rule problems.
import type { Context } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../../context.ts';
import { currentUser } from '../../http/guard.ts';
import { AppError, badRequest, notFound } from '../../http/errors.ts';
import { isoDate } from '../../http/validate.ts';
import { todayInShanghai } from '../roster/rules.ts';
import { orgInScope } from './queries.ts';
import type { Problem } from './rules.ts';

/** Talks, sanctions and archives: never secretaries; auditors read and export; inspectors write. */
export const READERS = ['inspector', 'auditor'] as const;
export const WRITERS = ['inspector'] as const;

export const today = (c: Context<AppEnv>) => todayInShanghai(c.get('clock').now());
export const scopeOf = (c: Context<AppEnv>) => currentUser(c).orgPath;

/** 400 with every problem (Chinese), the first one's code. */
export function rejected(problems: readonly Problem[]): AppError {
  return new AppError(400, problems[0]!.code, problems.map((p) => p.message).join('；'), { problems });
}

/** The org a report or list is about: the given one (in scope) or the caller's own. */
export async function reportOrg(c: Context<AppEnv>, org: number | undefined) {
  const user = currentUser(c);
  const found = await orgInScope(c.get('db'), user.orgPath, org ?? user.orgUnitId);
  if (!found) throw notFound('组织不存在');
  return found;
}

/**
 * The org a report is about, without its kind: the caller's own org comes from the session (already
 * loaded and checked on this request), so the commonest report costs no lookup; any other goes through
 * reportOrg.
 */
export async function reportScope(c: Context<AppEnv>, org: number | undefined): Promise<{ id: number; name: string; path: string }> {
  const user = currentUser(c);
  if (org === undefined || org === user.orgUnitId) return { id: user.orgUnitId, name: user.orgName, path: user.orgPath };
  return reportOrg(c, org);
}

export const orgQuery = z.coerce.number().int().positive().max(2_147_483_647).optional();
export const periodQuery = { org: orgQuery, from: isoDate.optional(), to: isoDate.optional() };
/** A period [from, to) from the query, by default this calendar year. */
export function period(c: Context<AppEnv>, f: { from?: string | undefined; to?: string | undefined }) {
  const y = today(c).slice(0, 4);
  const from = f.from ?? `${y}-01-01`;
  const to = f.to ?? `${Number(y) + 1}-01-01`;
  if (to <= from) throw badRequest('bad_period', '截止日期必须晚于起始日期');
  return { from, to };
}

/** '2021年1月1日至2021年12月31日' for a half-open period. */
export function periodText(from: string, to: string): string {
  const cn = (d: string) => `${d.slice(0, 4)}年${Number(d.slice(5, 7))}月${Number(d.slice(8, 10))}日`;
  const last = new Date(Date.parse(`${to}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  return `${cn(from)}至${cn(last)}`;
}

export const reason = z.string().trim().min(2, '请填写原因（至少 2 个字）').max(500);
const text = (max: number) => z.string().trim().max(max);
export const optionalText = (max: number) => text(max).optional();
