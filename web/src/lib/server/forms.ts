import { fail } from '@sveltejs/kit';
import type { ApiError } from '$lib/api';

/** What a form needs back after a failed submission: messages by field, the values typed, a general message. */
export interface FormState {
  errors: Record<string, string>;
  values: Record<string, string>;
  message: string | null;
}

/** A failed action for the form named `key` (pages with several forms keep their errors apart). */
export function formFail<K extends string>(status: number, key: K, state: Partial<FormState>) {
  const full: FormState = { errors: {}, values: {}, message: null, ...state };
  return fail(status, { [key]: full } as { [P in K]: FormState });
}

/**
 * An API error as a form failure: validation issues go next to their fields, `fieldFor` maps
 * other error codes to a field, anything else is a message at the top of the form.
 */
export function apiFail<K extends string>(key: K, e: ApiError, values: Record<string, string>, fieldFor: Record<string, string> = {}) {
  const errors = e.fieldErrors();
  const field = fieldFor[e.code];
  if (field) errors[field] = e.message;
  const message = field || Object.keys(errors).length ? null : e.message;
  return formFail(e.status, key, { errors, values, message });
}
