// The spaces list (with unread counts) and the open space: its members and its messages, with
// thread replies under their first message.
import { $, el, timeOf, toast } from './dom.js';
import { renderCard } from './cards.js';
import { renderMarkdown } from './markdown.js';
import { api, fail, markSeen, nameOf, seenMap, state } from './session.js';

var CARD_TYPE = 'application/vnd.microsoft.card.adaptive';

// ------------------------------------------------------------------ spaces

function listParams(room) {
  return room.type === 'group' && state.me.type === 'bot' ? '&mentionedPeople=me' : '';
}

function countUnread(room) {
  var seen = seenMap()[room.id] || '';
  if (room.id === state.openRoomId) return Promise.resolve(0);
  if (seen && room.lastActivity <= seen) return Promise.resolve(0);
  var cached = state.unread[room.id];
  if (cached && cached.lastActivity === room.lastActivity) return Promise.resolve(cached.count);
  return api('GET', '/messages?roomId=' + encodeURIComponent(room.id) + '&max=50' + listParams(room))
    .then(function (page) {
      var n = page.items.filter(function (m) { return m.personId !== state.me.id && (!seen || m.created > seen); }).length;
      state.unread[room.id] = { lastActivity: room.lastActivity, count: n };
      return n;
    })
    .catch(function () { return 0; });
}

function renderSpaces() {
  var ul = $('space-list');
  ul.textContent = '';
  $('no-spaces').hidden = state.rooms.length > 0;
  state.rooms.forEach(function (room) {
    var li = el('li', { 'data-id': room.id, className: room.id === state.openRoomId ? 'active' : '' }, [
      el('span', { className: 'title', text: room.title || '(untitled)' }),
      el('span', { className: 'kind', text: room.type === 'direct' ? '1:1' : '' }),
    ]);
    li.addEventListener('click', function () { openRoom(room.id); });
    ul.appendChild(li);
    countUnread(room).then(function (n) {
      if (n > 0 && room.id !== state.openRoomId) {
        li.classList.add('unread');
        li.appendChild(el('span', { className: 'badge', text: String(n) }));
      }
    });
  });
}

export function loadSpaces() {
  return api('GET', '/rooms?sortBy=lastactivity&max=200').then(function (page) {
    state.rooms = page.items;
    renderSpaces();
  });
}

export function refresh() {
  return loadSpaces().then(function () { return loadRoom(false); }).catch(fail);
}

// ------------------------------------------------------------------ one space

export function openRoom(roomId) {
  state.openRoomId = roomId;
  state.replyTo = null;
  $('replying').hidden = true;
  state.lastRendered = '';
  $('room').hidden = false;
  $('room-empty').hidden = true;
  renderSpaces();
  loadRoom(true);
}

export function loadRoom(scroll) {
  if (!state.openRoomId) return Promise.resolve();
  var room = state.rooms.filter(function (r) { return r.id === state.openRoomId; })[0];
  var roomId = state.openRoomId;
  return Promise.all([
    api('GET', '/rooms/' + encodeURIComponent(roomId)),
    // Webex caps max at 100 with mentionedPeople.
    api('GET', '/messages?roomId=' + encodeURIComponent(roomId) + '&max=100' + (room ? listParams(room) : '')),
    api('GET', '/memberships?roomId=' + encodeURIComponent(roomId) + '&max=200'),
  ]).then(function (r) {
    if (roomId !== state.openRoomId) return;
    renderRoom(r[0], r[1].items.slice().reverse(), r[2].items, scroll);
  }).catch(function (err) {
    if (err.status === 404) { toast('You are no longer in that space.'); state.openRoomId = null; $('room').hidden = true; $('room-empty').hidden = false; return; }
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
      var rm = el('button', { type: 'button', title: 'Remove from the space', text: m.personId === state.me.id ? 'Leave' : 'Remove' });
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
  state.identities.filter(function (i) { return !inRoom[i.id]; }).forEach(function (i) {
    sel.appendChild(el('option', { value: i.email, text: i.displayName }));
  });
  $('add-member').hidden = room.type !== 'group' || sel.options.length === 0;
}

function messageNode(m) {
  var mine = m.personId === state.me.id;
  var actions = el('span', { className: 'actions' });
  if (!m.parentId) {
    var reply = el('button', { type: 'button', text: 'Reply' });
    reply.addEventListener('click', function () { state.replyTo = m.id; $('replying').hidden = false; $('text').focus(); });
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
  var key = JSON.stringify([room.title, state.me.id, messages.map(function (m) { return m.id + (m.updated || ''); }), members.map(function (m) { return m.id + m.isModerator; })]);
  if (key === state.lastRendered) return;
  state.lastRendered = key;
  $('room-title').textContent = room.title;
  $('bot-note').hidden = !(state.me.type === 'bot' && room.type === 'group');
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
