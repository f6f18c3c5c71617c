import { describe, expect, it } from 'vitest';
import { FIELD_VALUE_MAX, NAME_MAX } from '../../../src/contract/limits.js';
import { blamedFields, maxLengthOf, serverMessage, validateValue, type FieldError } from '../../../widget/src/ui/validate.js';

/** The form's check of each field, as form.ts runs it field by field. */
function validateFields(
  fields: { name: string; type: 'text' | 'email' | 'tel'; required: boolean }[],
  values: Record<string, string>,
): Record<string, FieldError> {
  const errors: Record<string, FieldError> = {};
  for (const f of fields) {
    const e = validateValue(f.type, f.required, values[f.name] ?? '', maxLengthOf(f));
    if (e) errors[f.name] = e;
  }
  return errors;
}

describe('field validation', () => {
  const fields = [
    { name: 'name', type: 'text' as const, required: true },
    { name: 'email', type: 'email' as const, required: true },
    { name: 'phone', type: 'tel' as const, required: false },
  ];

  it('refuses empty required fields (whitespace counts as empty)', () => {
    expect(validateFields(fields, { name: '  ', email: '' })).toEqual({
      name: { key: 'required' },
      email: { key: 'required' },
    });
  });

  it('checks e-mail and phone shapes, and leaves optional empty fields alone', () => {
    expect(validateFields(fields, { name: 'Ann', email: 'ann@example', phone: 'call me' })).toEqual({
      email: { key: 'email' },
      phone: { key: 'tel' },
    });
    expect(validateFields(fields, { name: 'Ann', email: 'ann@example.com', phone: '' })).toEqual({});
    expect(validateFields(fields, { name: 'Ann', email: 'ann@example.com', phone: '+48 58 123 45 67' })).toEqual({});
  });

  it('refuses addresses with spaces or two @', () => {
    expect(validateValue('email', true, 'a b@example.com')).toEqual({ key: 'email' });
    expect(validateValue('email', true, 'a@b@example.com')).toEqual({ key: 'email' });
    expect(validateValue('email', true, 'zoë@example.pl')).toBeNull();
  });

  it('caps lengths at the contract\'s limits (the name has its own)', () => {
    expect(validateValue('text', false, 'x'.repeat(FIELD_VALUE_MAX + 1))).toEqual({ key: 'tooLong' });
    expect(validateValue('message', true, 'x'.repeat(4000))).toBeNull();
    expect(validateValue('message', true, 'x'.repeat(4001))).toEqual({ key: 'tooLong' });
    expect(maxLengthOf({ name: 'name', type: 'text' })).toBe(NAME_MAX);
    expect(validateFields([{ name: 'name', type: 'text', required: true }], { name: 'x'.repeat(NAME_MAX + 1) })).toEqual({ name: { key: 'tooLong' } });
  });
});

describe("reading the server's 400", () => {
  it('finds the field names the error body blames', () => {
    expect(blamedFields({ error: 'invalid_fields', message: 'Missing: email', fields: ['email'], missing: ['email'], invalid: [] })).toEqual(['email']);
    expect(blamedFields({ error: 'invalid_request', message: 'x', fields: ['order', 'order'], issues: [{ path: 'fields.order', message: 'x' }] })).toEqual(['order']);
    expect(blamedFields({ error: 'invalid_request', message: 'x' })).toEqual([]);
    expect(blamedFields('oops')).toEqual([]);
    expect(blamedFields(null)).toEqual([]);
  });

  it('takes the message from `message` or `error`', () => {
    expect(serverMessage({ error: 'invalid_fields', message: 'Missing: email' })).toBe('Missing: email');
    expect(serverMessage({ error: 'bad' })).toBe('bad');
    expect(serverMessage({ error: { message: 'nested' } })).toBe('nested');
    expect(serverMessage(null)).toBeNull();
  });
});
