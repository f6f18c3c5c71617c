// Safe markdown: messages (with Webex's mention syntax) rendered by marked, then passed through
// an allowlist sanitiser, with mentions shown as chips (yours highlighted).
import { el } from './dom.js';
import { state } from './session.js';

var ALLOWED = { P: 1, BR: 1, STRONG: 1, EM: 1, B: 1, I: 1, U: 1, S: 1, DEL: 1, CODE: 1, PRE: 1, BLOCKQUOTE: 1, UL: 1, OL: 1, LI: 1, A: 1, H1: 1, H2: 1, H3: 1, H4: 1, H5: 1, H6: 1, HR: 1, TABLE: 1, THEAD: 1, TBODY: 1, TR: 1, TH: 1, TD: 1, SPAN: 1 };
var DROP = { SCRIPT: 1, STYLE: 1, IFRAME: 1, OBJECT: 1, EMBED: 1, TEMPLATE: 1, SVG: 1, MATH: 1, FORM: 1, INPUT: 1, TEXTAREA: 1, SELECT: 1, BUTTON: 1, LINK: 1, META: 1, IMG: 1, VIDEO: 1, AUDIO: 1 };

/** Allowlist sanitiser: unknown elements are unwrapped, dangerous ones removed, links checked. */
function sanitize(html) {
  var tpl = document.createElement('template');
  tpl.innerHTML = html;
  (function walk(parent) {
    Array.prototype.slice.call(parent.childNodes).forEach(function (node) {
      if (node.nodeType === 3) return;
      if (node.nodeType !== 1) { node.remove(); return; }
      var tag = node.tagName.toUpperCase();
      if (DROP[tag]) { node.remove(); return; }
      walk(node);
      if (!ALLOWED[tag]) {
        while (node.firstChild) parent.insertBefore(node.firstChild, node);
        node.remove();
        return;
      }
      Array.prototype.slice.call(node.attributes).forEach(function (a) {
        var keep = tag === 'A' && a.name === 'href' && /^(https?:|mailto:)/i.test(a.value.trim());
        if (!keep) node.removeAttribute(a.name);
      });
      if (tag === 'A') { node.setAttribute('target', '_blank'); node.setAttribute('rel', 'noopener noreferrer'); }
    });
  })(tpl.content);
  return tpl.content;
}

var MENTION = /<@(personId|personEmail):([^|>\s]+)(?:\|([^>]*))?>|<@all(?:\|([^>]*))?>/g;

/** Markdown (with Webex mention syntax) to a safe DOM fragment. */
export function renderMarkdown(markdown) {
  var spans = [];
  var src = markdown.replace(MENTION, function (whole, kind, value, label, allLabel) {
    var text, personId = null;
    if (!kind) text = (allLabel || 'All');
    else {
      var p = kind === 'personId' ? state.people[value] : state.identities.filter(function (i) { return i.email === String(value).toLowerCase(); })[0];
      personId = p ? p.id : null;
      text = label || (p ? p.displayName : value);
    }
    spans.push({ text: text, personId: personId });
    return 'SBXMENTION' + (spans.length - 1) + 'X';
  });
  var html = window.marked ? window.marked.parse(src, { gfm: true, breaks: true }) : src;
  var frag = sanitize(html);
  var walker = document.createTreeWalker(frag, NodeFilter.SHOW_TEXT);
  var texts = [];
  while (walker.nextNode()) texts.push(walker.currentNode);
  texts.forEach(function (t) {
    if (/SBXMENTION\d+X/.test(t.nodeValue)) t.parentNode.replaceChild(withMentions(t.nodeValue, spans), t);
  });
  return frag;
}

/** A text with mention placeholders, as text nodes and mention chips. */
function withMentions(text, spans) {
  var holder = document.createDocumentFragment();
  text.split(/(SBXMENTION\d+X)/).forEach(function (part) {
    var m = /^SBXMENTION(\d+)X$/.exec(part);
    if (!m) { if (part) holder.appendChild(document.createTextNode(part)); return; }
    var s = spans[Number(m[1])];
    var cls = 'mention' + (s.personId && state.me && s.personId === state.me.id ? ' me' : '');
    holder.appendChild(el('span', { className: cls, text: '@' + s.text }));
  });
  return holder;
}
