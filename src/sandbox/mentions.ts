// What Webex derives from a markdown message: the mentioned people and groups, a plain-text
// rendering (`text`) and an HTML rendering (`html`) with <spark-mention> elements.
import { Marked } from 'marked';

interface MentionTarget {
  id: string;
  displayName: string;
}

interface RenderedMarkdown {
  text: string;
  html: string;
  mentionedPeople: string[];
  mentionedGroups: string[];
}

const MENTION = /<@(personId|personEmail):([^|>\s]+)(?:\|([^>]*))?>|<@all(?:\|([^>]*))?>/g;

const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const decodeEntities = (s: string): string =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

// Raw HTML inside markdown is shown as text, never passed through.
const marked = new Marked({
  gfm: true,
  breaks: true,
  renderer: {
    html(token) {
      return escapeHtml(token.text);
    },
  },
});

/**
 * Parse mentions (`<@personId:ID|Name>`, `<@personEmail:EMAIL|Name>`, `<@all>`) and render.
 * `resolve` maps a person id or e-mail to a known person; unknown targets are left as written.
 */
export function renderMarkdown(
  markdown: string,
  resolve: (kind: 'personId' | 'personEmail', value: string) => MentionTarget | null,
): RenderedMarkdown {
  const mentionedPeople: string[] = [];
  const mentionedGroups: string[] = [];
  const spans: { html: string; text: string }[] = [];
  const withPlaceholders = markdown.replace(
    MENTION,
    (whole, kind: string | undefined, value: string | undefined, label?: string, allLabel?: string) => {
      let html: string;
      let text: string;
      if (kind === undefined) {
        if (!mentionedGroups.includes('all')) mentionedGroups.push('all');
        text = allLabel?.trim() || 'All';
        html = `<spark-mention data-object-type="groupMention" data-group-type="all">${escapeHtml(text)}</spark-mention>`;
      } else {
        const person = resolve(kind as 'personId' | 'personEmail', value ?? '');
        if (!person) return whole;
        if (!mentionedPeople.includes(person.id)) mentionedPeople.push(person.id);
        text = label?.trim() || person.displayName;
        html = `<spark-mention data-object-type="person" data-object-id="${escapeHtml(person.id)}">${escapeHtml(text)}</spark-mention>`;
      }
      spans.push({ html, text });
      return `SBXMENTION${spans.length - 1}X`;
    },
  );
  const rendered = (marked.parse(withPlaceholders, { async: false }) as string).trim();
  const fill = (s: string, pick: 'html' | 'text'): string =>
    s.replace(/SBXMENTION(\d+)X/g, (_m, i: string) => spans[Number(i)]?.[pick] ?? '');
  const html = fill(rendered, 'html');
  const text = fill(
    decodeEntities(
      rendered
        .replace(/<br\s*\/?>/g, '\n')
        .replace(/<\/(p|li|h[1-6]|pre|blockquote|tr)>/g, '\n')
        .replace(/<[^>]+>/g, ''),
    ),
    'text',
  )
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return { text, html, mentionedPeople, mentionedGroups };
}
