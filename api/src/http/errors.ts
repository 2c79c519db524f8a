import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { logFault } from './fault-log.ts';

/** An error the client caused or should see, with a stable code and a Chinese message. */
export class AppError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const badRequest = (code: string, message: string, details?: unknown) => new AppError(400, code, message, details);
export const unauthorized = (message = '请先登录') => new AppError(401, 'unauthenticated', message);
export const forbidden = (message = '没有权限执行此操作') => new AppError(403, 'forbidden', message);
/** Also used for objects outside the caller's scope, so that their existence does not leak. */
export const notFound = (message = '记录不存在') => new AppError(404, 'not_found', message);
export const conflict = (code: string, message: string, details?: unknown) => new AppError(409, code, message, details);

export function errorBody(code: string, message: string, details?: unknown) {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

// PostgreSQL error codes we translate into client errors rather than 500s.
const PG_UNIQUE = '23505';
const PG_FOREIGN_KEY = '23503';
const PG_CHECK = '23514';
const PG_NOT_NULL = '23502';
const PG_FROZEN = '55000';
// Data exceptions: out of range, bad text for a type, bad or overflowing date/time.
// 22021/22P05: a character the database cannot store (NUL, bad encoding) — refused as input.
const PG_BAD_VALUE = new Set(['22003', '22P02', '22007', '22008', '22021', '22P05']);

/**
 * Unique constraints with a message of their own (by constraint or index name); a concurrent
 * duplicate that slips past a route's own check still gets a clear Chinese answer.
 */
export const CONSTRAINT_MESSAGES: Record<string, { code: string; message: string }> = {
  org_unit_sibling_name_idx: { code: 'duplicate_name', message: '同一上级组织下已有同名的组织' },
  app_user_username_idx: { code: 'username_taken', message: '用户名已被使用' },
  person_id_number_idx: { code: 'duplicate_id_number', message: '该公民身份号码已登记' },
  term_org_unit_id_ordinal_key: { code: 'duplicate_ordinal', message: '该村（社区）已有相同届次' },
};

// Hono's own exceptions (malformed JSON, body too large, …) carry English text.
const HTTP_MESSAGES: Partial<Record<number, string>> = {
  400: '请求格式无效（请求体无法解析）',
  401: '请先登录',
  403: '没有权限执行此操作',
  404: '记录不存在',
  405: '不支持的请求方法',
  413: '请求内容过大',
  415: '不支持的内容类型',
};

export function handleError(err: Error, c: Context) {
  if (err instanceof AppError) return c.json(errorBody(err.code, err.message, err.details), err.status);
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode;
    return c.json(errorBody('http_error', HTTP_MESSAGES[status] ?? '请求无效'), status);
  }
  const pg = err as { code?: unknown; constraint?: unknown; constraint_name?: unknown };
  // PGlite names it `constraint`, postgres.js `constraint_name`.
  const constraint = String(pg.constraint ?? pg.constraint_name ?? '');
  if (pg.code === PG_UNIQUE) {
    const known = CONSTRAINT_MESSAGES[constraint];
    return c.json(errorBody(known?.code ?? 'duplicate', known?.message ?? '记录重复，与已有数据冲突'), 409);
  }
  if (pg.code === PG_FOREIGN_KEY) return c.json(errorBody('in_use', '数据仍被其他记录引用，或引用的记录不存在'), 409);
  if (pg.code === PG_CHECK) return c.json(errorBody('invalid', '数据不符合约束条件'), 400);
  if (pg.code === PG_NOT_NULL) return c.json(errorBody('invalid', '缺少必填数据'), 400);
  // Raised by triggers guarding frozen records (closed 三重一大 items): the API checks first, this is the backstop.
  if (pg.code === PG_FROZEN) return c.json(errorBody('frozen', '记录已冻结，不能修改'), 409);
  if (typeof pg.code === 'string' && PG_BAD_VALUE.has(pg.code)) return c.json(errorBody('invalid', '输入的数值超出范围或格式不正确'), 400);
  // Class and reference only: database errors carry the SQL parameters (ID numbers among them).
  const ref = logFault('api', err, `${c.req.method} ${c.req.routePath}`);
  return c.json(errorBody('internal', `服务器内部错误，请稍后重试（参考编号 ${ref}）`), 500);
}
