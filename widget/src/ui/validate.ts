// Pre-chat and offline form validation. Returns message keys (and the field) so the view can
// show them in the visitor's language; the server validates again and its 400 is shown too.
// The limits are the contract's: the widget stops where the server would refuse.
import type { ErrorBody } from '../../../src/contract/widget-api.js';
import { EMAIL_MAX, FIELD_VALUE_MAX, MESSAGE_MAX, NAME_MAX, TEL_MAX } from '../../../src/contract/limits.js';
import type { FieldSpec } from '../shared/types.js';

export type FieldError = { key: 'required' | 'email' | 'tel' | 'tooLong' };
export type FieldType = FieldSpec['type'] | 'message';

const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]{2,}$/;
const TEL = /^\+?[0-9][0-9 ()./-]{4,22}$/;

export const MAX_LENGTH: Record<FieldType, number> = {
  text: FIELD_VALUE_MAX,
  email: EMAIL_MAX,
  tel: TEL_MAX,
  message: MESSAGE_MAX,
};

/** The longest value a form field takes: the visitor's name has its own limit. */
export function maxLengthOf(field: { name: string; type: FieldType }): number {
  return field.name === 'name' ? NAME_MAX : MAX_LENGTH[field.type];
}

export function validateValue(
  type: FieldType,
  required: boolean,
  raw: string,
  max = MAX_LENGTH[type],
): FieldError | null {
  const value = raw.trim();
  if (!value) return required ? { key: 'required' } : null;
  if (value.length > max) return { key: 'tooLong' };
  if (type === 'email' && !EMAIL.test(value)) return { key: 'email' };
  if (type === 'tel' && !TEL.test(value)) return { key: 'tel' };
  return null;
}

/** The form fields a 400 answer blames (the contract's ErrorBody `fields`), by their own name. */
export function blamedFields(body: unknown): string[] {
  const fields = (body as Partial<ErrorBody> | null)?.fields;
  if (!Array.isArray(fields)) return [];
  return [...new Set(fields.filter((f): f is string => typeof f === 'string'))];
}

export function serverMessage(body: unknown): string | null {
  if (body && typeof body === 'object') {
    const o = body as Record<string, unknown>;
    for (const key of ['message', 'error']) {
      const v = o[key];
      if (typeof v === 'string' && v.trim()) return v;
      if (v && typeof v === 'object' && typeof (v as { message?: unknown }).message === 'string') {
        return (v as { message: string }).message;
      }
    }
  }
  return null;
}
