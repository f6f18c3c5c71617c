// Pre-chat and offline form validation. Returns message keys (and the field) so the view can
// show them in the visitor's language; the server validates again and its 422 is shown too.
import type { FieldSpec } from '../shared/types.js';

export type FieldError = { key: 'required' | 'email' | 'tel' | 'tooLong' };

const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]{2,}$/;
const TEL = /^\+?[0-9][0-9 ()./-]{4,22}$/;

export const MAX_LENGTH: Record<FieldSpec['type'] | 'message', number> = {
  text: 200,
  email: 254,
  tel: 30,
  message: 4000,
};

export function validateValue(
  type: FieldSpec['type'] | 'message',
  required: boolean,
  raw: string,
): FieldError | null {
  const value = raw.trim();
  if (!value) return required ? { key: 'required' } : null;
  if (value.length > MAX_LENGTH[type]) return { key: 'tooLong' };
  if (type === 'email' && !EMAIL.test(value)) return { key: 'email' };
  if (type === 'tel' && !TEL.test(value)) return { key: 'tel' };
  return null;
}

export function validateFields(
  fields: Pick<FieldSpec, 'name' | 'type' | 'required'>[],
  values: Record<string, string>,
): Record<string, FieldError> {
  const errors: Record<string, FieldError> = {};
  for (const f of fields) {
    const e = validateValue(f.type, f.required, values[f.name] ?? '');
    if (e) errors[f.name] = e;
  }
  return errors;
}

/**
 * The field names a 422 body blames. Accepts the shapes a zod-backed server plausibly sends:
 * `{ fields: ['email'] }`, `{ fields: { email: '…' } }`, `{ missing: [...] }`,
 * `{ issues: [{ path: ['email'] }] }` (also under `details`).
 */
export function fieldsFrom422(body: unknown): string[] {
  const out = new Set<string>();
  const visit = (v: unknown): void => {
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    for (const key of ['fields', 'missing', 'missingFields', 'invalid']) {
      const f = o[key];
      if (Array.isArray(f)) f.forEach((x) => typeof x === 'string' && out.add(lastSegment(x)));
      else if (f && typeof f === 'object') Object.keys(f).forEach((k) => out.add(lastSegment(k)));
    }
    for (const key of ['issues', 'details', 'errors']) {
      const list = o[key];
      if (Array.isArray(list)) {
        for (const issue of list) {
          const path = (issue as { path?: unknown })?.path;
          if (Array.isArray(path) && path.length) out.add(String(path[path.length - 1]));
          else if (typeof issue === 'string') out.add(lastSegment(issue));
        }
      } else if (list && typeof list === 'object') visit(list);
    }
  };
  visit(body);
  return [...out];
}

function lastSegment(path: string): string {
  const parts = path.split('.');
  return parts[parts.length - 1] ?? path;
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
