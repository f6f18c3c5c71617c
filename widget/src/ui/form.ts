// The pre-chat and offline forms: fields that validate on submit (and as the visitor types once
// marked invalid), with localized messages, and the server's 400 shown on the fields it names.
import type { TFunction } from 'i18next';
import type { VisitorUser } from '../shared/user.js';
import { h, uid } from './dom.js';
import { blamedFields, maxLengthOf, serverMessage, validateValue, type FieldError, type FieldType } from './validate.js';

export interface FormField {
  name: string;
  type: FieldType;
  required: boolean;
  label: string;
}

export interface FormHandle {
  busy(on: boolean, label?: string): void;
  alert(text: string | null): void;
  /** Shows a 400 answer: on the fields it names, else its own words. */
  serverErrors(body: unknown): void;
}

interface Row {
  input: HTMLInputElement | HTMLTextAreaElement;
  error: HTMLElement;
  field: FormField;
}

function autocomplete(field: FormField): string | undefined {
  if (field.name === 'name') return 'name';
  return field.type === 'email' ? 'email' : field.type === 'tel' ? 'tel' : undefined;
}

/** What a form starts with: the site's `setUser` values, and a message when one is carried over. */
export type Prefill = VisitorUser & { message?: string };

/** The site's `setUser` values prefill the name and e-mail fields (a carried-over message, the message). */
function prefill(field: FormField, user: Prefill): string {
  if (field.name === 'name') return user.name ?? '';
  if (field.type === 'message') return user.message ?? '';
  return field.type === 'email' ? user.email ?? '' : '';
}

function fieldRow(t: TFunction, field: FormField, first: boolean, user: Prefill): { row: HTMLElement; input: Row['input']; error: HTMLElement } {
  const id = uid('f');
  const errId = `${id}-err`;
  const attrs = {
    id,
    name: field.name,
    class: 'lc-input',
    maxlength: String(maxLengthOf(field)),
    'aria-required': field.required ? 'true' : undefined,
    'aria-describedby': errId,
    autocomplete: autocomplete(field),
    'data-autofocus': first ? true : undefined,
    value: prefill(field, user),
  };
  const input = field.type === 'message'
    ? h('textarea', { ...attrs, rows: '4' })
    : h('input', { ...attrs, type: field.type === 'email' ? 'email' : field.type === 'tel' ? 'tel' : 'text' });
  const error = h('p', { class: 'lc-error', id: errId, hidden: true });
  const row = h('div', { class: 'lc-field' },
    h('label', { class: 'lc-label', for: id }, field.label, field.required ? h('span', { class: 'lc-req', text: ` (${t('form.required')})` }) : null),
    input, error);
  return { row, input, error };
}

export function buildForm(
  t: TFunction,
  user: Prefill,
  fields: FormField[],
  submitLabel: string,
  onSubmit: (values: Record<string, string>, form: FormHandle) => Promise<void>,
): { form: HTMLFormElement; handle: FormHandle } {
  const alert = h('p', { class: 'lc-alert', role: 'alert', hidden: true });
  const inputs = new Map<string, Row>();
  const showError = (name: string, text: string | null) => {
    const row = inputs.get(name);
    if (!row) return;
    row.input.setAttribute('aria-invalid', text ? 'true' : 'false');
    row.error.textContent = text ?? '';
    row.error.hidden = !text;
  };
  const message = (f: FormField, e: FieldError) => t(`form.errors.${e.key}`, { field: f.label });
  const check = (name: string): boolean => {
    const row = inputs.get(name)!;
    const e = validateValue(row.field.type, row.field.required, row.input.value, maxLengthOf(row.field));
    showError(name, e ? message(row.field, e) : null);
    return !e;
  };
  const rows = fields.map((field, i) => {
    const { row, input, error } = fieldRow(t, field, i === 0, user);
    inputs.set(field.name, { input, error, field });
    // Once marked invalid, a field is re-checked as the visitor types, so its message goes
    // away before they reach the button (re-checking on blur would shift the layout under a
    // pointer that is pressing the button, and swallow that click).
    input.addEventListener('input', () => {
      if (input.getAttribute('aria-invalid') === 'true') check(field.name);
    });
    return row;
  });
  const button = h('button', { type: 'submit', class: 'lc-btn', text: submitLabel });
  const handle: FormHandle = {
    busy(on, label) {
      button.disabled = on;
      button.textContent = on && label ? label : submitLabel;
    },
    alert(text) {
      alert.textContent = text ?? '';
      alert.hidden = !text;
    },
    serverErrors: (body) => {
      const names = blamedFields(body).filter((n) => inputs.has(n));
      for (const n of names) showError(n, t('form.errors.serverField', { field: inputs.get(n)!.field.label }));
      // Fields the server named get a localized message each; otherwise show its own words.
      handle.alert(names.length ? t('form.errors.summary') : t('form.errors.server', { message: serverMessage(body) ?? '' }));
      const first = names[0] ? inputs.get(names[0])?.input : null;
      (first ?? alert).focus();
    },
  };
  const form = h('form', {
    class: 'lc-form',
    novalidate: true,
    onsubmit: (e: Event) => {
      e.preventDefault();
      handle.alert(null);
      const bad = [...inputs.keys()].filter((n) => !check(n));
      if (bad.length) {
        handle.alert(t('form.errors.summary'));
        inputs.get(bad[0]!)!.input.focus();
        return;
      }
      const values: Record<string, string> = {};
      for (const [name, row] of inputs) values[name] = row.input.value.trim();
      void onSubmit(values, handle);
    },
  }, ...rows, alert, h('div', {}, button));
  return { form, handle };
}
