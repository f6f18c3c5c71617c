// The schema, as an append-only list of versioned steps. Never edit a released step: add one.
// Kept in TypeScript (not .sql files) so `tsc` output and `tsx` runs carry it without copying.

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'store',
    sql: `
-- Topics and the agents offered their chats. Agents are rows (not an array in the topic) so
-- "which topics does this person serve" is an indexed lookup for routing and supervision.
CREATE TABLE topics (
  id            text PRIMARY KEY CHECK (length(id) > 0),
  names         jsonb NOT NULL DEFAULT '{}'::jsonb,
  mode          text NOT NULL CHECK (mode IN ('group', 'personal')),
  assistant     boolean,
  add_agents_at text NOT NULL CHECK (add_agents_at IN ('start', 'handoff')),
  fields        jsonb NOT NULL DEFAULT '[]'::jsonb,
  position      integer NOT NULL DEFAULT 0,
  updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE topic_agents (
  topic_id text NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
  email    text NOT NULL CHECK (length(email) > 0),
  position integer NOT NULL,
  PRIMARY KEY (topic_id, email)
);
CREATE INDEX topic_agents_email ON topic_agents (lower(email));

-- Chats keep their topic id as text without a foreign key: a transcript outlives its topic.
-- last_seq is the per-chat message counter; appends lock this row, which keeps seq gap-free.
CREATE TABLE chats (
  id                      text PRIMARY KEY,
  short_id                text NOT NULL,
  topic_id                text NOT NULL,
  state                   text NOT NULL CHECK (state IN ('bot', 'queued', 'active', 'closed')),
  language                text NOT NULL,
  visitor                 jsonb NOT NULL,
  token_hash              text NOT NULL,
  space_id                text,
  owner_email             text,
  owner_name              text,
  created_at              timestamptz NOT NULL DEFAULT now(),
  updated_at              timestamptz NOT NULL DEFAULT now(),
  claimed_at              timestamptz,
  closed_at               timestamptz,
  close_reason            text,
  closed_by               text,
  last_seen_at            timestamptz NOT NULL,
  last_visitor_message_at timestamptz,
  left_at                 timestamptz,
  warned_at               timestamptz,
  last_seq                integer NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX chats_space ON chats (space_id) WHERE space_id IS NOT NULL;
CREATE INDEX chats_open_last_seen ON chats (last_seen_at) WHERE state <> 'closed';
CREATE INDEX chats_state_created ON chats (state, created_at);
CREATE INDEX chats_topic_state ON chats (topic_id, state);
CREATE INDEX chats_closed_at ON chats (closed_at) WHERE state = 'closed';

CREATE TABLE messages (
  chat_id     text NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
  seq         integer NOT NULL CHECK (seq > 0),
  sender      text NOT NULL CHECK (sender IN ('visitor', 'agent', 'bot', 'system')),
  text        text NOT NULL,
  author_name text,
  client_id   text,
  external_id text,
  data        jsonb,
  at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (chat_id, seq)
);
CREATE UNIQUE INDEX messages_client ON messages (chat_id, client_id) WHERE client_id IS NOT NULL;
CREATE UNIQUE INDEX messages_external ON messages (external_id) WHERE external_id IS NOT NULL;

CREATE TABLE chat_events (
  id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  chat_id text NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
  type    text NOT NULL CHECK (length(type) > 0),
  actor   text NOT NULL CHECK (length(actor) > 0),
  data    jsonb NOT NULL DEFAULT '{}'::jsonb,
  at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX chat_events_chat ON chat_events (chat_id, id);

-- Deliveries stored before they are attempted. A lane (chat_id) is usually a chat but may be
-- any name, hence no foreign key; purging a chat deletes its lane explicitly.
CREATE TABLE outbox (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  chat_id         text NOT NULL,
  kind            text NOT NULL CHECK (length(kind) > 0),
  payload         jsonb NOT NULL,
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  lease_until     timestamptz,
  last_error      text,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outbox_lane ON outbox (chat_id, id);

CREATE TABLE settings (
  key        text PRIMARY KEY CHECK (length(key) > 0),
  value      jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by text NOT NULL
);

CREATE TABLE audit (
  id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  actor   text NOT NULL,
  action  text NOT NULL,
  subject text NOT NULL,
  before  jsonb,
  after   jsonb,
  at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_at ON audit (at DESC, id DESC);

-- External delivery ids already handled (webhook redeliveries), purged after a while.
CREATE TABLE processed (
  key text PRIMARY KEY,
  at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX processed_at ON processed (at);
`,
  },
  {
    version: 2,
    name: 'append_message_with_outbox',
    sql: `
-- A visitor's message and its delivery in one round trip (Store.appendMessageWithOutbox).
-- PL/pgSQL because each statement of a VOLATILE function sees a fresh snapshot: after taking
-- a lock, it sees everything committed by whoever held the lock before. One statement with
-- CTEs could not (its snapshot predates the locks it waits for).
-- Lane lock: every insert into an outbox lane takes pg_advisory_xact_lock(7301, hashtext(lane))
-- first, so "the lane is empty" read under that lock stays true until this commit; only then is
-- the new item leased to the caller at once (it is the lane's head, order holds).
-- The visitor's token hash and the chat's state checked under the same chat lock as the append
-- (Store.appendMessageWithOutbox's guard), so a visitor's message needs no read of the chat first.
-- The chat's state comes back on every row.
CREATE FUNCTION append_message_with_outbox(
  p_chat_id text, p_sender text, p_text text, p_author_name text, p_data jsonb,
  p_client_id text, p_external_id text, p_at timestamptz,
  p_kind text, p_payload jsonb, p_lease_ms integer,
  p_token_hash text DEFAULT NULL, p_states text[] DEFAULT NULL
) RETURNS TABLE (
  msg_chat_id text, msg_seq integer, msg_sender text, msg_text text, msg_author_name text,
  msg_client_id text, msg_external_id text, msg_data jsonb, msg_at timestamptz, created boolean,
  box_id bigint, box_attempts integer, box_next_attempt_at timestamptz, box_created_at timestamptz,
  leased boolean, chat_state text
) LANGUAGE plpgsql VOLATILE AS $fn$
DECLARE
  v_last integer;
  v_state text;
  v_hash text;
  v_msg messages%ROWTYPE;
  v_box outbox%ROWTYPE;
  v_head boolean;
BEGIN
  -- Serialises appends to the chat (gap-free seq), as appendMessage does.
  SELECT c.last_seq, c.state, c.token_hash INTO v_last, v_state, v_hash
  FROM chats c WHERE c.id = p_chat_id FOR UPDATE;
  IF NOT FOUND OR (p_token_hash IS NOT NULL AND v_hash <> p_token_hash) THEN
    RETURN; -- no such chat (for this token): no row
  END IF;
  IF p_states IS NOT NULL AND NOT (v_state = ANY (p_states)) THEN
    -- Refused (a closed chat, as of this lock): nothing written; the state says why.
    RETURN QUERY SELECT NULL::text, NULL::integer, NULL::text, NULL::text, NULL::text, NULL::text,
      NULL::text, NULL::jsonb, NULL::timestamptz, false, NULL::bigint, NULL::integer,
      NULL::timestamptz, NULL::timestamptz, false, v_state;
    RETURN;
  END IF;
  SELECT m.* INTO v_msg FROM messages m
  WHERE (m.chat_id = p_chat_id AND m.client_id = p_client_id) OR m.external_id = p_external_id
  ORDER BY m.seq LIMIT 1;
  IF FOUND THEN
    -- Stored before: nothing is enqueued again.
    RETURN QUERY SELECT v_msg.chat_id, v_msg.seq, v_msg.sender, v_msg.text, v_msg.author_name,
      v_msg.client_id, v_msg.external_id, v_msg.data, v_msg.at, false,
      NULL::bigint, NULL::integer, NULL::timestamptz, NULL::timestamptz, false, v_state;
    RETURN;
  END IF;
  INSERT INTO messages (chat_id, seq, sender, text, author_name, client_id, external_id, data, at)
  VALUES (p_chat_id, v_last + 1, p_sender, p_text, p_author_name, p_client_id, p_external_id,
    p_data, coalesce(p_at, now()))
  ON CONFLICT DO NOTHING
  RETURNING * INTO v_msg;
  IF NOT FOUND THEN
    RETURN; -- an external id committed by another chat meanwhile: the caller reads it
  END IF;
  UPDATE chats SET last_seq = v_msg.seq WHERE id = p_chat_id;
  PERFORM pg_advisory_xact_lock(7301, hashtext(p_chat_id));
  SELECT p_lease_ms IS NOT NULL AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.chat_id = p_chat_id)
  INTO v_head;
  -- Due at once at millisecond precision (see enqueueOutbox).
  INSERT INTO outbox (chat_id, kind, payload, next_attempt_at, lease_until)
  VALUES (p_chat_id, p_kind, p_payload, date_trunc('milliseconds', now()),
    CASE WHEN v_head THEN now() + p_lease_ms * interval '1 millisecond' END)
  RETURNING * INTO v_box;
  RETURN QUERY SELECT v_msg.chat_id, v_msg.seq, v_msg.sender, v_msg.text, v_msg.author_name,
    v_msg.client_id, v_msg.external_id, v_msg.data, v_msg.at, true,
    v_box.id, v_box.attempts, v_box.next_attempt_at, v_box.created_at, v_head, v_state;
END
$fn$;
`,
  },
  {
    version: 3,
    name: 'offline_messages',
    sql: `
-- What visitors leave while a topic is closed (the widget's offline form). Kept like transcripts
-- and purged by the same retention.
CREATE TABLE offline_messages (
  id       bigserial PRIMARY KEY,
  topic_id text NOT NULL,
  name     text NOT NULL,
  email    text NOT NULL,
  message  text NOT NULL,
  language text NOT NULL,
  page     text,
  ip       text,
  at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX offline_messages_at ON offline_messages (at);
`,
  },
  {
    version: 5,
    name: 'chat_waits',
    sql: `
-- Fair timers: inactivity runs only while the conversation waits on the visitor; a queued chat
-- keeps its own clock (the "still looking" lines, the offer to leave a message).
ALTER TABLE chats
  ADD COLUMN waiting_on_visitor_since timestamptz,
  ADD COLUMN queued_at timestamptz,
  ADD COLUMN queue_notice_at timestamptz,
  ADD COLUMN queue_offer_at timestamptz;
UPDATE chats SET queued_at = created_at WHERE state = 'queued';
UPDATE chats SET waiting_on_visitor_since = coalesce(last_visitor_message_at, claimed_at, created_at)
  WHERE state IN ('bot', 'active');
`,
  },
  {
    version: 6,
    name: 'rate_limits',
    sql: `
-- Rate-limit windows shared by every instance: one row per key (hashed), counted by an upsert.
-- Windows that ended are deleted by the retention sweep.
CREATE TABLE rate_limits (
  key      text PRIMARY KEY,
  hits     integer NOT NULL,
  reset_at timestamptz NOT NULL
);
CREATE INDEX rate_limits_reset_at ON rate_limits (reset_at);
`,
  },
  {
    version: 7,
    name: 'inbound',
    sql: `
-- Webhook notifications, stored before the webhook is answered 200 (Webex does not deliver
-- again after a 200), then fetched and handed over by a worker. A room's items go one at a time
-- in the messenger's created order. Done rows stay a while: they are the dedupe record (the
-- reconciliation lists messages again) and each room's "last seen" marker.
CREATE TABLE inbound (
  id              bigserial PRIMARY KEY,
  key             text NOT NULL UNIQUE,
  room            text NOT NULL,
  kind            text NOT NULL,
  payload         jsonb NOT NULL,
  created         timestamptz NOT NULL,
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  lease_until     timestamptz,
  last_error      text,
  done_at         timestamptz
);
CREATE INDEX inbound_pending ON inbound (room, created, id) WHERE done_at IS NULL;
CREATE INDEX inbound_room_created ON inbound (room, created);
CREATE INDEX inbound_done ON inbound (done_at) WHERE done_at IS NOT NULL;

-- How far back each room's messages have been listed by the reconciliation: the next listing
-- stops there. Only the listing moves it (webhooks can skip a lost message; a listing cannot).
CREATE TABLE inbound_marks (
  room      text PRIMARY KEY,
  listed_to timestamptz NOT NULL
);
`,
  },
];
