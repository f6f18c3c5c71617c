// The Adaptive Card templates in `cards/` (schema 1.3), expanded with adaptivecards-templating.
// Values come from the services as plain text; what a card displays is made inert for the cards'
// markdown (a visitor named `[x](http://evil)` must not become a link, in Webex or once Slack's
// adapter has turned the card into blocks), while what a card submits (input values, choice
// values, action data, ids) stays exactly as given.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fromRoot } from '../../../paths.js';
import type { CardName, Json } from '../../../ports.js';

// Loaded untyped: the package's declarations import the renderer's TypeScript sources, which
// do not compile under this project's settings. The part used here is one class.
interface CardTemplate {
  expand(context: { $root: unknown }): unknown;
}
const { Template } = createRequire(import.meta.url)('adaptivecards-templating') as {
  Template: new (payload: unknown) => CardTemplate;
};

export const DEFAULT_CARDS_DIR = fromRoot('cards');

/** Keys whose text a card shows; every other string (ids, values, data, URLs) is kept exact. */
const DISPLAYED = new Set(['text', 'title', 'label', 'placeholder', 'fallbackText', 'altText']);

/**
 * Text a card shows, made inert without changing what it shows: TextBlocks render a markdown
 * subset, so every link form, emphasis and mentions are broken with zero-width spaces (a card
 * shows no backslash escapes): inline `[x](y)`, reference `[x][1]` and its `[1]: url`
 * definition, HTML (`<a href>`) and autolinks `<http://…>`. A bare address stays as it is: it
 * shows exactly where it leads, and agents copy the visitor's page from it.
 */
export function inertCardText(text: string): string {
  return text
    .replace(/\](\s*)([([:])/g, ']\u200b$1$2')
    .replace(/([*_~`])/g, '$1\u200b')
    .replace(/<(?=[A-Za-z/!?@])/g, '<\u200b');
}

function inertData(value: Json): Json {
  if (typeof value === 'string') return inertCardText(value);
  if (Array.isArray(value)) return value.map(inertData);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, inertData(item)]));
  }
  return value;
}

/** A FactSet shows both sides of each fact. */
const FACT = new Set(['title', 'value']);

/**
 * `shown` where a card displays text, `exact` everywhere else (both expanded from one template).
 * `isShown`: this value is displayed; `keys`: which keys of this object display their value.
 */
function merge(exact: unknown, shown: unknown, isShown: boolean, keys: Set<string>): unknown {
  if (typeof exact === 'string') return isShown && typeof shown === 'string' ? shown : exact;
  if (Array.isArray(exact)) {
    if (!Array.isArray(shown) || shown.length !== exact.length) return exact;
    return exact.map((item, i) => merge(item, shown[i], isShown, keys));
  }
  if (!exact || typeof exact !== 'object') return exact;
  const other = shown && typeof shown === 'object' ? (shown as Record<string, unknown>) : {};
  const isFactSet = (exact as { type?: unknown }).type === 'FactSet';
  // A TextRun's text is never read as markdown: shown exactly, no zero-width breaks to copy.
  const isTextRun = (exact as { type?: unknown }).type === 'TextRun';
  return Object.fromEntries(
    Object.entries(exact).map(([k, v]) => {
      // An action's data is submitted, never shown.
      if (k === 'data' || (isTextRun && k === 'text')) return [k, v];
      return [k, merge(v, other[k], keys.has(k), isFactSet && k === 'facts' ? FACT : DISPLAYED)];
    }),
  );
}

export class CardTemplates {
  private readonly templates = new Map<string, CardTemplate>();

  constructor(private readonly dir: string = DEFAULT_CARDS_DIR) {}

  /** The template expanded with `data`: displayed values inert, submitted values exact. */
  expand(name: CardName, data: Record<string, Json>): Json {
    const template = this.template(name);
    const exact = template.expand({ $root: data });
    const shown = template.expand({ $root: inertData(data) });
    return merge(exact, shown, false, DISPLAYED) as Json;
  }

  private template(name: string): CardTemplate {
    let template = this.templates.get(name);
    if (!template) {
      template = new Template(JSON.parse(readFileSync(path.join(this.dir, `${name}.json`), 'utf8')));
      this.templates.set(name, template);
    }
    return template;
  }
}
