import { describe, expect, it } from 'vitest';
import { ApiError, isDeletion, parseSetCookie, toApiError } from './api';

describe('parseSetCookie', () => {
  it('reads the session cookie the API sets', () => {
    const c = parseSetCookie('session=abc.def; Max-Age=43200; Path=/; HttpOnly; Secure; SameSite=Lax');
    expect(c).toEqual({ name: 'session', value: 'abc.def', path: '/', maxAge: 43200, httpOnly: true, secure: true, sameSite: 'lax' });
    expect(isDeletion(c!)).toBe(false);
  });

  it('recognises the cookie being cleared (Max-Age=0 or an expiry in the past)', () => {
    expect(isDeletion(parseSetCookie('session=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax')!)).toBe(true);
    expect(isDeletion(parseSetCookie('session=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT')!)).toBe(true);
  });

  it('decodes URI-encoded values and rejects garbage', () => {
    expect(parseSetCookie('flash=%E5%B7%B2%E5%81%9C%E7%94%A8; Path=/')!.value).toBe('已停用');
    expect(parseSetCookie('no-equals-sign')).toBeNull();
    expect(parseSetCookie('=value')).toBeNull();
  });
});

describe('ApiError', () => {
  it('maps validation issues to fields, first message per field', () => {
    const e = new ApiError(400, 'validation', '输入有误', [
      { path: ['name'], message: '名称不能为空' },
      { path: ['name'], message: '第二条' },
      { path: ['kind'], message: '取值不在允许范围内' },
      { path: [], message: '整体问题' },
    ]);
    expect(e.fieldErrors()).toEqual({ name: '名称不能为空', kind: '取值不在允许范围内' });
  });

  it('turns an error response into its Chinese message, and a bodiless 500 into a generic one', async () => {
    const e = await toApiError(new Response(JSON.stringify({ error: { code: 'username_taken', message: '用户名已被使用' } }), { status: 409 }));
    expect([e.status, e.code, e.message]).toEqual([409, 'username_taken', '用户名已被使用']);
    const e500 = await toApiError(new Response('oops', { status: 500 }));
    expect(e500.message).toBe('服务器内部错误，请稍后重试');
  });
});

describe('ok', () => {
  it('returns the body of a success and turns a 404 into the error page with the API message', async () => {
    const { ok } = await import('./api');
    const good = new Response(JSON.stringify({ items: [1] }), { status: 200 });
    expect(await ok(Promise.resolve(good as never))).toEqual({ items: [1] });
    const missing = new Response(JSON.stringify({ error: { code: 'not_found', message: '用户不存在' } }), { status: 404 });
    await expect(ok(Promise.resolve(missing as never))).rejects.toMatchObject({ status: 404, body: { message: '用户不存在' } });
  });
});
