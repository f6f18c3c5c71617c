import { describe, expect, it } from 'vitest';
import { fieldsFrom422, serverMessage, validateFields, validateValue } from '../../../widget/src/ui/validate.js';

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

  it('caps lengths', () => {
    expect(validateValue('text', false, 'x'.repeat(201))).toEqual({ key: 'tooLong' });
    expect(validateValue('message', true, 'x'.repeat(4000))).toBeNull();
    expect(validateValue('message', true, 'x'.repeat(4001))).toEqual({ key: 'tooLong' });
  });
});

describe("reading the server's 422", () => {
  it('finds field names in the shapes a server sends', () => {
    expect(fieldsFrom422({ error: 'invalid_fields', fields: ['email'], missing: ['email'], invalid: [] })).toEqual(['email']);
    expect(fieldsFrom422({ missing: ['name'], invalid: ['email'] }).sort()).toEqual(['email', 'name']);
    expect(fieldsFrom422({ issues: [{ path: ['fields', 'order'], message: 'x' }] })).toEqual(['order']);
    expect(fieldsFrom422({ fields: { 'fields.phone': 'bad' } })).toEqual(['phone']);
    expect(fieldsFrom422('oops')).toEqual([]);
    expect(fieldsFrom422(null)).toEqual([]);
  });

  it('takes the message from `message` or `error`', () => {
    expect(serverMessage({ error: 'invalid_fields', message: 'Missing: email' })).toBe('Missing: email');
    expect(serverMessage({ error: 'bad' })).toBe('bad');
    expect(serverMessage({ error: { message: 'nested' } })).toBe('nested');
    expect(serverMessage(null)).toBeNull();
  });
});
