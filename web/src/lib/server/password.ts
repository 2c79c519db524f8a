import { fail, type RequestEvent } from '@sveltejs/kit';
import { toApiError } from '$lib/api';
import { serverApi } from './api';

export type PasswordErrors = Partial<Record<'currentPassword' | 'newPassword' | 'confirmPassword', string>>;

/** Shared by the forced change page and /account: validates, calls the API, maps its errors to fields. */
export async function changePassword(event: RequestEvent) {
  const data = await event.request.formData();
  const currentPassword = String(data.get('currentPassword') ?? '');
  const newPassword = String(data.get('newPassword') ?? '');
  const confirmPassword = String(data.get('confirmPassword') ?? '');
  const errors: PasswordErrors = {};
  if (!currentPassword) errors.currentPassword = '请输入当前密码';
  if (!newPassword) errors.newPassword = '请输入新密码';
  else if (newPassword === currentPassword) errors.newPassword = '新密码不能与当前密码相同';
  if (!confirmPassword) errors.confirmPassword = '请再次输入新密码';
  else if (newPassword && confirmPassword !== newPassword) errors.confirmPassword = '两次输入的新密码不一致';
  if (Object.keys(errors).length) return { failure: fail(400, { password: { errors } }) };

  const res = await serverApi(event).api.auth.password.$post({ json: { currentPassword, newPassword } });
  if (!res.ok) {
    const e = await toApiError(res);
    const field: keyof PasswordErrors = e.code === 'wrong_password' ? 'currentPassword' : 'newPassword';
    return { failure: fail(e.status, { password: { errors: { [field]: e.message } as PasswordErrors } }) };
  }
  return { failure: null };
}
