// The sandbox's agent console. It talks only to the sandbox's Webex REST API, with the token
// of the identity picked at the top (from /sandbox/identities). No framework, no build step.
(function () {
  'use strict';

  var POLL_MS = 2000;
  var CARD_TYPE = 'application/vnd.microsoft.card.adaptive';
  var $ = function (id) { return document.getElementById(id); };

  var identities = [];
  var people = {}; // id -> identity (for names)
  var me = null; // identity in use
  var rooms = [];
  var openRoomId = null;
  var replyTo = null;
  var lastRendered = '';
  var unread = {}; // roomId -> { lastActivity, count }
  var pollTimer = null;

  // ------------------------------------------------------------------ helpers

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) {
      if (k === 'text') node.textContent = attrs[k];
      else if (k === 'className') node.className = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }

  var toastTimer = null;
  function toast(message) {
    var t = $('toast');
    t.textContent = message;
    t.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { t.hidden = true; }, 5000);
  }

  function api(method, path, body) {
    var headers = { Authorization: 'Bearer ' + me.token };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    return fetch('webex/v1' + path, { method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body) })
      .then(function (res) {
        if (res.status === 204) return null;
        return res.json().then(function (data) {
          if (!res.ok) {
            var err = new Error((data && data.message) || ('HTTP ' + res.status));
            err.status = res.status;
            err.trackingId = data && data.trackingId;
            throw err;
          }
          return data;
        });
      });
  }

  function fail(err) {
    toast(err.message + (err.trackingId ? ' (trackingId ' + err.trackingId + ')' : ''));
  }

  function storageKey(name) { return 'sbx.' + name + '.' + (me ? me.email : ''); }
  function seenMap() {
    try { return JSON.parse(localStorage.getItem(storageKey('seen')) || '{}'); } catch (e) { return {}; }
  }
  function markSeen(roomId, created) {
    var m = seenMap();
    if (!m[roomId] || m[roomId] < created) { m[roomId] = created; localStorage.setItem(storageKey('seen'), JSON.stringify(m)); }
  }

  function nameOf(personId, email) {
    var p = people[personId];
    return p ? p.displayName : (email || 'Someone');
  }

  function timeOf(iso) {
    var d = new Date(iso);
    return d.toLocaleString(undefined, { hour: '2-digit', minute: '2-digit', day: 'numeric', month: 'short' });
  }

  // ------------------------------------------------------------------ safe markdown

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
  function renderMarkdown(markdown) {
    var spans = [];
    var src = markdown.replace(MENTION, function (whole, kind, value, label, allLabel) {
      var text, personId = null;
      if (!kind) text = (allLabel || 'All');
      else {
        var p = kind === 'personId' ? people[value] : identities.filter(function (i) { return i.email === String(value).toLowerCase(); })[0];
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
      if (!/SBXMENTION\d+X/.test(t.nodeValue)) return;
      var parts = t.nodeValue.split(/(SBXMENTION\d+X)/);
      var holder = document.createDocumentFragment();
      parts.forEach(function (part) {
        var m = /^SBXMENTION(\d+)X$/.exec(part);
        if (!m) { if (part) holder.appendChild(document.createTextNode(part)); return; }
        var s = spans[Number(m[1])];
        var cls = 'mention' + (s.personId && me && s.personId === me.id ? ' me' : '');
        holder.appendChild(el('span', { className: cls, text: '@' + s.text }));
      });
      t.parentNode.replaceChild(holder, t);
    });
    return frag;
  }

  // ------------------------------------------------------------------ cards

  var cardCache = {}; // message id + identity -> rendered card, so a refresh keeps typed inputs

  function renderCard(message, attachment) {
    var cacheKey = message.id + '|' + me.id;
    if (cardCache[cacheKey]) return cardCache[cacheKey];
    var box = el('div', { className: 'card' });
    cardCache[cacheKey] = box;
    if (!window.AdaptiveCards) { box.textContent = '[card: the renderer did not load]'; return box; }
    try {
      var card = new window.AdaptiveCards.AdaptiveCard();
      card.hostConfig = new window.AdaptiveCards.HostConfig({ fontFamily: 'system-ui, sans-serif' });
      card.onExecuteAction = function (action) {
        if (action instanceof window.AdaptiveCards.SubmitAction || action.getJsonTypeName() === 'Action.Submit') {
          var inputs = action.data && typeof action.data === 'object' ? action.data : {};
          api('POST', '/attachment/actions', { type: 'submit', messageId: message.id, inputs: inputs })
            .then(function () { toast('Submitted as ' + me.displayName + '.'); })
            .catch(fail);
        } else if (action.getJsonTypeName() === 'Action.OpenUrl' && /^https?:/i.test(action.url || '')) {
          window.open(action.url, '_blank', 'noopener,noreferrer');
        }
      };
      card.parse(attachment.content);
      var rendered = card.render();
      if (rendered) box.appendChild(rendered);
    } catch (e) {
      box.textContent = '[card could not be rendered: ' + e.message + ']';
    }
    return box;
  }

  function setupCardMarkdown() {
    if (!window.AdaptiveCards) return;
    window.AdaptiveCards.AdaptiveCard.onProcessMarkdown = function (text, result) {
      var frag = renderMarkdown(text);
      var div = document.createElement('div');
      div.appendChild(frag);
      result.outputHtml = div.innerHTML;
      result.didProcess = true;
    };
  }

  // ------------------------------------------------------------------ identities

  function loadIdentities() {
    return fetch('identities').then(function (r) { return r.json(); }).then(function (list) {
      identities = list;
      people = {};
      list.forEach(function (i) { people[i.id] = i; });
      var sel = $('identity');
      sel.textContent = '';
      list.forEach(function (i) {
        sel.appendChild(el('option', { value: i.email, text: i.displayName + ' <' + i.email + '>' + (i.type === 'bot' ? ' (bot)' : '') }));
      });
      var saved = localStorage.getItem('sbx.identity');
      var pick = list.filter(function (i) { return i.email === saved; })[0] ||
        list.filter(function (i) { return i.email.indexOf('alice@') === 0; })[0] || list[0];
      sel.value = pick.email;
      use(pick);
    });
  }

  function use(identity) {
    me = identity;
    localStorage.setItem('sbx.identity', identity.email);
    openRoomId = null;
    replyTo = null;
    unread = {};
    lastRendered = '';
    $('room').hidden = true;
    $('room-empty').hidden = false;
    refresh();
  }

  // ------------------------------------------------------------------ spaces

  function listParams(room) {
    return room.type === 'group' && me.type === 'bot' ? '&mentionedPeople=me' : '';
  }

  function countUnread(room) {
    var seen = seenMap()[room.id] || '';
    if (room.id === openRoomId) return Promise.resolve(0);
    if (seen && room.lastActivity <= seen) return Promise.resolve(0);
    var cached = unread[room.id];
    if (cached && cached.lastActivity === room.lastActivity) return Promise.resolve(cached.count);
    return api('GET', '/messages?roomId=' + encodeURIComponent(room.id) + '&max=50' + listParams(room))
      .then(function (page) {
        var n = page.items.filter(function (m) { return m.personId !== me.id && (!seen || m.created > seen); }).length;
        unread[room.id] = { lastActivity: room.lastActivity, count: n };
        return n;
      })
      .catch(function () { return 0; });
  }

  function renderSpaces() {
    var ul = $('space-list');
    ul.textContent = '';
    $('no-spaces').hidden = rooms.length > 0;
    rooms.forEach(function (room) {
      var li = el('li', { 'data-id': room.id, className: room.id === openRoomId ? 'active' : '' }, [
        el('span', { className: 'title', text: room.title || '(untitled)' }),
        el('span', { className: 'kind', text: room.type === 'direct' ? '1:1' : '' }),
      ]);
      li.addEventListener('click', function () { openRoom(room.id); });
      ul.appendChild(li);
      countUnread(room).then(function (n) {
        if (n > 0 && room.id !== openRoomId) {
          li.classList.add('unread');
          li.appendChild(el('span', { className: 'badge', text: String(n) }));
        }
      });
    });
  }

  function loadSpaces() {
    return api('GET', '/rooms?sortBy=lastactivity&max=200').then(function (page) {
      rooms = page.items;
      renderSpaces();
    });
  }

  // ------------------------------------------------------------------ one space

  function openRoom(roomId) {
    openRoomId = roomId;
    replyTo = null;
    $('replying').hidden = true;
    lastRendered = '';
    $('room').hidden = false;
    $('room-empty').hidden = true;
    renderSpaces();
    loadRoom(true);
  }

  function loadRoom(scroll) {
    if (!openRoomId) return Promise.resolve();
    var room = rooms.filter(function (r) { return r.id === openRoomId; })[0];
    var roomId = openRoomId;
    return Promise.all([
      api('GET', '/rooms/' + encodeURIComponent(roomId)),
      // Webex caps max at 100 with mentionedPeople.
      api('GET', '/messages?roomId=' + encodeURIComponent(roomId) + '&max=100' + (room ? listParams(room) : '')),
      api('GET', '/memberships?roomId=' + encodeURIComponent(roomId) + '&max=200'),
    ]).then(function (r) {
      if (roomId !== openRoomId) return;
      renderRoom(r[0], r[1].items.slice().reverse(), r[2].items, scroll);
    }).catch(function (err) {
      if (err.status === 404) { toast('You are no longer in that space.'); openRoomId = null; $('room').hidden = true; $('room-empty').hidden = false; return; }
      fail(err);
    });
  }

  function renderMembers(room, members) {
    $('member-count').textContent = members.length + ' member' + (members.length === 1 ? '' : 's');
    var ul = $('member-list');
    ul.textContent = '';
    members.forEach(function (m) {
      var li = el('li', null, [el('span', { text: m.personDisplayName + (m.isModerator ? ' (moderator)' : '') })]);
      if (room.type === 'group') {
        var rm = el('button', { type: 'button', title: 'Remove from the space', text: m.personId === me.id ? 'Leave' : 'Remove' });
        rm.addEventListener('click', function () {
          api('DELETE', '/memberships/' + encodeURIComponent(m.id)).then(function () { return refresh(); }).catch(fail);
        });
        li.appendChild(rm);
      }
      ul.appendChild(li);
    });
    var sel = $('add-member-who');
    sel.textContent = '';
    var inRoom = {};
    members.forEach(function (m) { inRoom[m.personId] = 1; });
    identities.filter(function (i) { return !inRoom[i.id]; }).forEach(function (i) {
      sel.appendChild(el('option', { value: i.email, text: i.displayName }));
    });
    $('add-member').hidden = room.type !== 'group' || sel.options.length === 0;
  }

  function messageNode(m) {
    var mine = m.personId === me.id;
    var actions = el('span', { className: 'actions' });
    if (!m.parentId) {
      var reply = el('button', { type: 'button', text: 'Reply' });
      reply.addEventListener('click', function () { replyTo = m.id; $('replying').hidden = false; $('text').focus(); });
      actions.appendChild(reply);
    }
    if (mine) {
      var del = el('button', { type: 'button', text: 'Delete' });
      del.addEventListener('click', function () {
        api('DELETE', '/messages/' + encodeURIComponent(m.id)).then(function () { return loadRoom(false); }).catch(fail);
      });
      actions.appendChild(del);
    }
    var body = el('div', { className: 'body' });
    if (m.markdown) body.appendChild(renderMarkdown(m.markdown));
    else if (m.text) m.text.split('\n').forEach(function (line, i) { if (i) body.appendChild(el('br')); body.appendChild(document.createTextNode(line)); });
    (m.attachments || []).forEach(function (a) { if (a.contentType === CARD_TYPE) body.appendChild(renderCard(m, a)); });
    return el('li', { className: 'msg' + (mine ? ' mine' : ''), 'data-id': m.id }, [
      el('div', { className: 'meta' }, [
        el('span', { className: 'author', text: nameOf(m.personId, m.personEmail) }),
        el('time', { datetime: m.created, text: timeOf(m.created) + (m.updated ? ' (edited)' : '') }),
        actions,
      ]),
      body,
    ]);
  }

  function renderRoom(room, messages, members, scroll) {
    var key = JSON.stringify([room.title, me.id, messages.map(function (m) { return m.id + (m.updated || ''); }), members.map(function (m) { return m.id + m.isModerator; })]);
    if (key === lastRendered) return;
    lastRendered = key;
    $('room-title').textContent = room.title;
    $('bot-note').hidden = !(me.type === 'bot' && room.type === 'group');
    renderMembers(room, members);

    var list = $('messages');
    var atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    list.textContent = '';
    var byId = {};
    messages.forEach(function (m) { if (!m.parentId) { byId[m.id] = messageNode(m); list.appendChild(byId[m.id]); } });
    messages.forEach(function (m) {
      if (!m.parentId) return;
      var parent = byId[m.parentId];
      if (!parent) { list.appendChild(messageNode(m)); return; }
      var replies = parent.querySelector(':scope > .replies');
      if (!replies) { replies = el('ol', { className: 'replies' }); parent.appendChild(replies); }
      replies.appendChild(messageNode(m));
    });
    if (messages.length) markSeen(room.id, messages[messages.length - 1].created);
    if (scroll || atBottom) list.scrollTop = list.scrollHeight;
  }

  // ------------------------------------------------------------------ composing

  function botIdentity() { return identities.filter(function (i) { return i.type === 'bot'; })[0]; }

  function mentionMarkup(bot) { return '<@personId:' + bot.id + '|' + bot.displayName + '>'; }

  function send(ev) {
    ev.preventDefault();
    var text = $('text').value.trim();
    if (!text || !openRoomId) return;
    var bot = botIdentity();
    if (bot) text = text.replace(/(^|\s)@bot\b/gi, function (_m, pre) { return pre + mentionMarkup(bot); });
    var body = { roomId: openRoomId, markdown: text };
    if (replyTo) body.parentId = replyTo;
    api('POST', '/messages', body).then(function () {
      $('text').value = '';
      replyTo = null;
      $('replying').hidden = true;
      return loadRoom(true);
    }).catch(fail);
  }

  function refresh() {
    return loadSpaces().then(function () { return loadRoom(false); }).catch(fail);
  }

  function schedule() {
    clearTimeout(pollTimer);
    pollTimer = setTimeout(function () {
      (document.hidden ? Promise.resolve() : refresh()).then(schedule, schedule);
    }, POLL_MS);
  }

  document.addEventListener('DOMContentLoaded', function () {
    setupCardMarkdown();
    $('identity').addEventListener('change', function (e) {
      var pick = identities.filter(function (i) { return i.email === e.target.value; })[0];
      if (pick) use(pick);
    });
    $('composer').addEventListener('submit', send);
    $('text').addEventListener('keydown', function (e) {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) send(e);
    });
    $('cancel-reply').addEventListener('click', function () { replyTo = null; $('replying').hidden = true; });
    $('mention-bot').addEventListener('click', function () {
      var bot = botIdentity();
      if (!bot) return;
      var t = $('text');
      var at = t.selectionStart || t.value.length;
      var insert = mentionMarkup(bot) + ' ';
      t.value = t.value.slice(0, at) + insert + t.value.slice(t.selectionEnd || at);
      t.focus();
      t.selectionStart = t.selectionEnd = at + insert.length;
    });
    $('new-space').addEventListener('click', function () {
      var title = window.prompt('Title of the new space');
      if (!title) return;
      api('POST', '/rooms', { title: title }).then(function (room) { return loadSpaces().then(function () { openRoom(room.id); }); }).catch(fail);
    });
    $('add-member').addEventListener('submit', function (e) {
      e.preventDefault();
      var email = $('add-member-who').value;
      if (!email || !openRoomId) return;
      api('POST', '/memberships', { roomId: openRoomId, personEmail: email }).then(function () { return loadRoom(false); }).catch(fail);
    });
    loadIdentities().then(schedule).catch(function (e) { toast('Could not load identities: ' + e.message); });
  });
})();
