// Single-process mode: every /api/* request goes to the Hono app (it carries its own basePath /api,
// session, CSRF and role checks). The client IP and user agent travel in Hono's env bindings.
import type { RequestHandler } from './$types';
import { forwardToApi } from '$lib/server/api';

export const fallback: RequestHandler = (event) => forwardToApi(event, event.request);
