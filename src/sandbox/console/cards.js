// Adaptive Cards in messages, rendered by the Adaptive Cards library; a submit posts an
// attachment action as the identity in use.
import { el, toast } from './dom.js';
import { renderMarkdown } from './markdown.js';
import { api, fail, state } from './session.js';

var cardCache = {}; // message id + identity -> rendered card, so a refresh keeps typed inputs

export function renderCard(message, attachment) {
  var cacheKey = message.id + '|' + state.me.id;
  if (cardCache[cacheKey]) return cardCache[cacheKey];
  var box = el('div', { className: 'card' });
  cardCache[cacheKey] = box;
  if (!window.AdaptiveCards) { box.textContent = '[card: the renderer did not load]'; return box; }
  try {
    var card = new window.AdaptiveCards.AdaptiveCard();
    card.hostConfig = new window.AdaptiveCards.HostConfig({ fontFamily: 'system-ui, sans-serif' });
    card.onExecuteAction = function (action) { execute(message, action); };
    card.parse(attachment.content);
    var rendered = card.render();
    if (rendered) box.appendChild(rendered);
  } catch (e) {
    box.textContent = '[card could not be rendered: ' + e.message + ']';
  }
  return box;
}

function execute(message, action) {
  if (action instanceof window.AdaptiveCards.SubmitAction || action.getJsonTypeName() === 'Action.Submit') {
    var inputs = action.data && typeof action.data === 'object' ? action.data : {};
    api('POST', '/attachment/actions', { type: 'submit', messageId: message.id, inputs: inputs })
      .then(function () { toast('Submitted as ' + state.me.displayName + '.'); })
      .catch(fail);
  } else if (action.getJsonTypeName() === 'Action.OpenUrl' && /^https?:/i.test(action.url || '')) {
    window.open(action.url, '_blank', 'noopener,noreferrer');
  }
}

/** Markdown inside cards goes through the same safe renderer as messages. */
export function setupCardMarkdown() {
  if (!window.AdaptiveCards) return;
  window.AdaptiveCards.AdaptiveCard.onProcessMarkdown = function (text, result) {
    var frag = renderMarkdown(text);
    var div = document.createElement('div');
    div.appendChild(frag);
    result.outputHtml = div.innerHTML;
    result.didProcess = true;
  };
}
