// The sandbox's agent console. It talks only to the sandbox's Webex REST API, with the token
// of the identity picked at the top (from /sandbox/identities). Plain ES modules, no build step.
import { $, el, toast } from './dom.js';
import { setupCardMarkdown } from './cards.js';
import { loadRoom, loadSpaces, openRoom, refresh } from './rooms.js';
import { api, fail, state } from './session.js';

var POLL_MS = 2000;
var pollTimer = null;

// ------------------------------------------------------------------ identities

function loadIdentities() {
  return fetch('identities').then(function (r) { return r.json(); }).then(function (list) {
    state.identities = list;
    state.people = {};
    list.forEach(function (i) { state.people[i.id] = i; });
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
  state.me = identity;
  localStorage.setItem('sbx.identity', identity.email);
  state.openRoomId = null;
  state.replyTo = null;
  state.unread = {};
  state.lastRendered = '';
  $('room').hidden = true;
  $('room-empty').hidden = false;
  refresh();
}

// ------------------------------------------------------------------ composing

function botIdentity() { return state.identities.filter(function (i) { return i.type === 'bot'; })[0]; }

function mentionMarkup(bot) { return '<@personId:' + bot.id + '|' + bot.displayName + '>'; }

function send(ev) {
  ev.preventDefault();
  var text = $('text').value.trim();
  if (!text || !state.openRoomId) return;
  var bot = botIdentity();
  if (bot) text = text.replace(/(^|\s)@bot\b/gi, function (_m, pre) { return pre + mentionMarkup(bot); });
  var body = { roomId: state.openRoomId, markdown: text };
  if (state.replyTo) body.parentId = state.replyTo;
  api('POST', '/messages', body).then(function () {
    $('text').value = '';
    state.replyTo = null;
    $('replying').hidden = true;
    return loadRoom(true);
  }).catch(fail);
}

function insertBotMention() {
  var bot = botIdentity();
  if (!bot) return;
  var t = $('text');
  var at = t.selectionStart || t.value.length;
  var insert = mentionMarkup(bot) + ' ';
  t.value = t.value.slice(0, at) + insert + t.value.slice(t.selectionEnd || at);
  t.focus();
  t.selectionStart = t.selectionEnd = at + insert.length;
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
    var pick = state.identities.filter(function (i) { return i.email === e.target.value; })[0];
    if (pick) use(pick);
  });
  $('composer').addEventListener('submit', send);
  $('text').addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) send(e);
  });
  $('cancel-reply').addEventListener('click', function () { state.replyTo = null; $('replying').hidden = true; });
  $('mention-bot').addEventListener('click', insertBotMention);
  $('new-space').addEventListener('click', function () {
    var title = window.prompt('Title of the new space');
    if (!title) return;
    api('POST', '/rooms', { title: title }).then(function (room) { return loadSpaces().then(function () { openRoom(room.id); }); }).catch(fail);
  });
  $('add-member').addEventListener('submit', function (e) {
    e.preventDefault();
    var email = $('add-member-who').value;
    if (!email || !state.openRoomId) return;
    api('POST', '/memberships', { roomId: state.openRoomId, personEmail: email }).then(function () { return loadRoom(false); }).catch(fail);
  });
  loadIdentities().then(schedule).catch(function (e) { toast('Could not load identities: ' + e.message); });
});
