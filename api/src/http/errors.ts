import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

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

export function handleError(err: Error, c: Context) {
  if (err instanceof AppError) return c.json(errorBody(err.code, err.message, err.details), err.status);
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode;
    return c.json(errorBody('http_error', err.message || '请求无效'), status);
  }
  const pgCode = (err as { code?: unknown }).code;
  if (pgCode === PG_UNIQUE) return c.json(errorBody('duplicate', '记录重复，与已有数据冲突'), 409);
  if (pgCode === PG_FOREIGN_KEY) return c.json(errorBody('in_use', '数据仍被其他记录引用，或引用的记录不存在'), 409);
  if (pgCode === PG_CHECK) return c.json(errorBody('invalid', '数据不符合约束条件'), 400);
  console.error('[api] unhandled error', err);
  return c.json(errorBody('internal', '服务器内部错误，请稍后重试'), 500);
}
