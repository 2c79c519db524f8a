// Request size limits of the API, answered as 413 with the limit in the message. JSON bodies are
// small forms; uploads (Excel imports, document checks) are multipart. Routes may set lower limits of
// their own (the roster import: 20 MB). The web server's BODY_SIZE_LIMIT (scripts/start.mjs) sits above
// these, so that the API's own Chinese answers are the ones a user sees.
import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../context.ts';
import { errorBody } from './errors.ts';

export const MAX_JSON_BYTES = 1024 * 1024;
export const MAX_UPLOAD_BYTES = 64 * 1024 * 1024;

export const megabytes = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;

const limits = new Map(
  [MAX_JSON_BYTES, MAX_UPLOAD_BYTES].map((max) => [
    max,
    bodyLimit({ maxSize: max, onError: (c) => c.json(errorBody('too_large', `请求内容过大：上限为 ${megabytes(max)}`), 413) }),
  ]),
);

export const requestSizeLimit = createMiddleware<AppEnv>(async (c, next) => {
  const multipart = c.req.header('content-type')?.toLowerCase().startsWith('multipart/form-data') ?? false;
  return limits.get(multipart ? MAX_UPLOAD_BYTES : MAX_JSON_BYTES)!(c, next);
});
