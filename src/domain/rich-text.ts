// Words for the agents' messenger with the little structure the services need (bold labels,
// italic notes, lists), as plain data. Every span's text is literal: a channel adapter renders
// the structure in its own dialect and escapes each span, so visitor text can never become
// markup, a mention or a link there. Plain JSON, so it can wait in the outbox.

export interface Span {
  text: string;
  strong?: true;
  emphasis?: true;
  code?: true;
}

export type Block =
  | { kind: 'paragraph'; spans: Span[] }
  /** One item per entry, each a line of spans. */
  | { kind: 'list'; items: Span[][] };

export type RichText = Block[];

export type SpanLike = Span | string;

function span(value: SpanLike): Span {
  return typeof value === 'string' ? { text: value } : value;
}

export const strong = (text: string): Span => ({ text, strong: true });
export const emphasis = (text: string): Span => ({ text, emphasis: true });
export const code = (text: string): Span => ({ text, code: true });

/** One paragraph of spans (strings are plain spans). */
export function paragraph(...spans: SpanLike[]): Block {
  return { kind: 'paragraph', spans: spans.map(span) };
}

export function list(items: SpanLike[][]): Block {
  return { kind: 'list', items: items.map((item) => item.map(span)) };
}

/** Plain text as rich text: one paragraph per line break kept inside its span. */
export function plain(text: string): RichText {
  return [paragraph(text)];
}
