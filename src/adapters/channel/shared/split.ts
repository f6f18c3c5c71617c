// Splitting long messages at a messenger's size limit (bytes of UTF-8 per message).
// Cuts prefer a paragraph break, then a line break, then a space; a hard cut never splits a
// character (grapheme), a backslash escape (`\*`) or an entity (`&amp;`).

/** UTF-8 length of a string. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3; // a lone surrogate is sent as U+FFFD
    } else bytes += 3;
  }
  return bytes;
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** The longest prefix (in UTF-16 units) that fits in maxBytes, ending on a grapheme boundary. */
function fittingPrefix(text: string, maxBytes: number): number {
  // Whole code points first: a plain scan, fast.
  let end = 0;
  let bytes = 0;
  while (end < text.length) {
    const cp = text.codePointAt(end)!;
    const units = cp > 0xffff ? 2 : 1;
    const b = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (bytes + b > maxBytes) break;
    bytes += b;
    end += units;
  }
  if (end >= text.length || end === 0) return end;
  // Then back to a grapheme boundary (an emoji sequence, a letter with its accents). Segmenting
  // is slow, so start at the last printable ASCII character: a boundary always precedes it.
  let from = end - 1;
  while (from > 0) {
    const c = text.charCodeAt(from);
    if (c >= 0x20 && c < 0x7f) break;
    from--;
  }
  let boundary = from;
  // The whole code point at `end` is needed to tell whether `end` is a boundary.
  const lookahead = text.codePointAt(end)! > 0xffff ? 2 : 1;
  for (const { index } of graphemes.segment(text.slice(from, end + lookahead))) {
    if (from + index > end) break;
    boundary = from + index;
  }
  // One grapheme larger than a whole part (a long emoji sequence): cut between code points.
  return boundary > 0 ? boundary : end;
}

/** Moves a hard cut back so it does not fall inside `\x` or `&name;`. */
function safeHardCut(text: string, cut: number): number {
  let backslashes = 0;
  for (let i = cut - 1; i >= 0 && text[i] === '\\'; i--) backslashes++;
  if (backslashes % 2 === 1 && cut - 1 > 0) return cut - 1;
  const amp = text.lastIndexOf('&', cut - 1);
  if (amp >= 0 && cut - amp <= 10) {
    const entity = /^&(?:#\d{1,7}|#x[0-9a-f]{1,6}|[a-z][a-z0-9]{1,31});/i.exec(text.slice(amp));
    if (entity && amp + entity[0].length > cut && amp > 0) return amp;
  }
  return cut;
}

/**
 * Parts of `text`, each at most `maxBytes` of UTF-8, in order. Whitespace at a cut is dropped;
 * nothing else is lost. Empty text gives no parts.
 */
export function splitMessage(text: string, maxBytes: number): string[] {
  if (maxBytes < 16) throw new RangeError('maxBytes must be at least 16');
  const parts: string[] = [];
  let rest = text;
  while (utf8Length(rest) > maxBytes) {
    const fit = fittingPrefix(rest, maxBytes);
    const window = rest.slice(0, fit);
    // Prefer natural boundaries, but not ones so early that the part would be tiny.
    const minimum = Math.floor(fit / 4);
    let cut = -1;
    for (const boundary of [/\n[ \t]*\n/g, /\n/g, /\s/g]) {
      let last = -1;
      for (const m of window.matchAll(boundary)) last = m.index;
      if (last > minimum) {
        cut = last;
        break;
      }
    }
    let part: string;
    if (cut > 0) {
      part = rest.slice(0, cut);
      rest = rest.slice(cut).replace(/^\s+/, '');
    } else {
      const hard = safeHardCut(rest, fit);
      part = rest.slice(0, hard);
      rest = rest.slice(hard);
    }
    part = part.replace(/\s+$/, '');
    if (part) parts.push(part);
  }
  if (rest.trim()) parts.push(rest);
  return parts;
}
