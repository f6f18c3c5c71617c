// The console's state (who you are, the spaces, the one open) and its calls to the sandbox's
// Webex REST API with the token of the identity in use.
import { toast } from './dom.js';

export var state = {
  identities: [],
  people: {}, // id -> identity (for names)
  me: null, // identity in use
  rooms: [],
  openRoomId: null,
  replyTo: null,
  lastRendered: '',
  unread: {}, // roomId -> { lastActivity, count }
};

export function api(method, path, body) {
  var headers = { Authorization: 'Bearer ' + state.me.token };
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

export function fail(err) {
  toast(err.message + (err.trackingId ? ' (trackingId ' + err.trackingId + ')' : ''));
}

function storageKey(name) { return 'sbx.' + name + '.' + (state.me ? state.me.email : ''); }

/** roomId -> the creation time of the newest message seen there, per identity. */
export function seenMap() {
  try { return JSON.parse(localStorage.getItem(storageKey('seen')) || '{}'); } catch (e) { return {}; }
}

export function markSeen(roomId, created) {
  var m = seenMap();
  if (!m[roomId] || m[roomId] < created) { m[roomId] = created; localStorage.setItem(storageKey('seen'), JSON.stringify(m)); }
}

export function nameOf(personId, email) {
  var p = state.people[personId];
  return p ? p.displayName : (email || 'Someone');
}
