// The Store contract: every adapter must pass these. Run it with `describeStoreContract`.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { newChat as bornChat } from '../../../src/domain/chat-state.js';
import type { Chat, ChatState, Topic } from '../../../src/domain/types.js';
import type { NewChat, OutboxItem, Store } from '../../../src/ports.js';

export interface StoreFixture {
  store: Store;
  /** Empties every table (tests in a file run one after another). */
  reset(): Promise<void>;
  close(): Promise<void>;
}

const T0 = new Date('2026-03-01T10:00:00.000Z');
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);

export function newChat(overrides: Partial<NewChat> = {}): NewChat {
  const id = randomUUID();
  const visitor = {
    name: 'Ada',
    email: 'ada@example.com',
    fields: { company: 'Analytical' },
    ip: '37.47.248.93',
    userAgent: 'test',
    page: 'https://example.com/pricing',
    geo: { countryCode: 'PL', country: 'Poland', region: 'Pomerania', city: 'Gdańsk' },
  };
  return { ...bornChat({ id, topicId: 'sales', state: 'bot', language: 'en', visitor, tokenHash: `hash-${id}` }, T0), ...overrides };
}

const created = { type: 'created', actor: 'visitor' };

function topic(id: string, overrides: Partial<Topic> = {}): Topic {
  return {
    id,
    names: { en: id, pl: `${id} (pl)` },
    mode: 'group',
    agents: ['alice@example.com', 'bob@example.com'],
    assistant: null,
    addAgentsAt: 'start',
    fields: [{ name: 'email', type: 'email', required: true, label: { en: 'E-mail' } }],
    position: 0,
    ...overrides,
  };
}

export function describeStoreContract(name: string, open: () => Promise<StoreFixture>): void {
  describe(`Store contract: ${name}`, () => {
    let fx: StoreFixture;
    let store: Store;
    beforeAll(async () => {
      fx = await open();
      store = fx.store;
    });
    afterAll(() => fx?.close());
    beforeEach(() => fx.reset());

    describe('chats', () => {
      it('answers ping', async () => {
        await expect(store.ping()).resolves.toBeUndefined();
      });

      it('creates a chat with its first event and reads it back', async () => {
        const input = newChat({ spaceId: 'space-1', createdAt: minutes(-5) });
        const chat = await store.createChat(input, { ...created, data: { page: 'pricing' }, at: minutes(-5) });
        const { createdAt: _c, ...fields } = input;
        expect(chat).toMatchObject(fields);
        expect(chat.createdAt).toEqual(minutes(-5));
        expect(chat.updatedAt).toBeInstanceOf(Date);
        expect(await store.getChat(input.id)).toEqual(chat);
        expect(await store.getChatBySpace('space-1')).toEqual(chat);
        expect(await store.getChat(randomUUID())).toBeNull();
        expect(await store.getChat('not-a-uuid')).toBeNull();
        expect(await store.getChatBySpace('nope')).toBeNull();
        const events = await store.listEvents(input.id);
        expect(events).toHaveLength(1);
        expect(events[0]).toMatchObject({ chatId: input.id, type: 'created', actor: 'visitor', data: { page: 'pricing' } });
        expect(events[0]!.at).toEqual(minutes(-5));
      });

      it('writes a chat and its first event atomically: a failing event leaves no chat', async () => {
        const input = newChat();
        // An empty event type is refused by the store, after the chat row was written.
        await expect(store.createChat(input, { type: '', actor: 'visitor' })).rejects.toThrow();
        expect(await store.getChat(input.id)).toBeNull();
        expect(await store.listEvents(input.id)).toEqual([]);
        expect(await store.listChats({})).toEqual([]);
      });

      it('updates a chat and records the event', async () => {
        const chat = await store.createChat(newChat({ state: 'queued' }), created);
        const updated = await store.updateChat(
          chat.id,
          { state: 'active', ownerEmail: 'alice@example.com', ownerName: 'Alice', claimedAt: minutes(1), spaceId: 's-9' },
          { type: 'claimed', actor: 'alice@example.com', data: { via: 'card' } },
        );
        expect(updated).toMatchObject({
          id: chat.id,
          state: 'active',
          ownerEmail: 'alice@example.com',
          ownerName: 'Alice',
          claimedAt: minutes(1),
          spaceId: 's-9',
          visitor: chat.visitor,
        });
        expect(updated!.updatedAt.getTime()).toBeGreaterThanOrEqual(chat.updatedAt.getTime());
        expect(await store.getChat(chat.id)).toEqual(updated);
        expect((await store.listEvents(chat.id)).map((e) => e.type)).toEqual(['created', 'claimed']);

        const visitor = { ...chat.visitor, name: 'Ada L.' };
        const again = await store.updateChat(chat.id, { visitor, leftAt: minutes(2), warnedAt: null });
        expect(again!.visitor.name).toBe('Ada L.');
        expect(again!.leftAt).toEqual(minutes(2));
        expect(await store.listEvents(chat.id)).toHaveLength(2);
        expect(await store.updateChat(randomUUID(), { state: 'closed' })).toBeNull();
      });

      it('updates only from the expected state (compare-and-set)', async () => {
        const chat = await store.createChat(newChat({ state: 'active' }), created);
        const lost = await store.updateChat(chat.id, { state: 'closed' }, { type: 'closed', actor: 'x' }, 'queued');
        expect(lost).toBeNull();
        expect((await store.getChat(chat.id))!.state).toBe('active');
        expect(await store.listEvents(chat.id)).toHaveLength(1);
        const won = await store.updateChat(chat.id, { state: 'closed' }, { type: 'closed', actor: 'x' }, ['bot', 'active']);
        expect(won!.state).toBe('closed');
      });

      it('lets exactly one of many concurrent claims win', async () => {
        const chat = await store.createChat(newChat({ state: 'queued' }), created);
        const agents = Array.from({ length: 8 }, (_, i) => `agent${i}@example.com`);
        const results = await Promise.all(
          agents.map((a) =>
            store.updateChat(chat.id, { state: 'active', ownerEmail: a }, { type: 'claimed', actor: a }, 'queued'),
          ),
        );
        const winners = results.filter((r) => r !== null);
        expect(winners).toHaveLength(1);
        const stored = await store.getChat(chat.id);
        expect(stored!.ownerEmail).toBe(winners[0]!.ownerEmail);
        const claims = (await store.listEvents(chat.id)).filter((e) => e.type === 'claimed');
        expect(claims.map((e) => e.actor)).toEqual([winners[0]!.ownerEmail]);
      });

      it('lists chats by state, topic, creation and last-seen time, oldest first', async () => {
        const a = await store.createChat(newChat({ state: 'queued', createdAt: minutes(1), lastSeenAt: minutes(1) }), created);
        const b = await store.createChat(
          newChat({ state: 'active', topicId: 'support', createdAt: minutes(2), lastSeenAt: minutes(10) }),
          created,
        );
        const c = await store.createChat(newChat({ state: 'closed', createdAt: minutes(3), lastSeenAt: minutes(3) }), created);
        const ids = (chats: Chat[]) => chats.map((x) => x.id);
        expect(ids(await store.listChats({}))).toEqual([a.id, b.id, c.id]);
        expect(ids(await store.listChats({ states: ['queued', 'active'] }))).toEqual([a.id, b.id]);
        expect(ids(await store.listChats({ states: [] }))).toEqual([]);
        expect(ids(await store.listChats({ topicId: 'support' }))).toEqual([b.id]);
        expect(ids(await store.listChats({ createdSince: minutes(2) }))).toEqual([b.id, c.id]);
        expect(ids(await store.listChats({ lastSeenBefore: minutes(5), states: ['queued', 'active'] }))).toEqual([a.id]);
        expect(ids(await store.listChats({ limit: 2 }))).toEqual([a.id, b.id]);
      });
    });

    describe('events of recent chats', () => {
      it('lists the events of chats created since a time, in order, and only theirs', async () => {
        if (!store.listEventsOfChatsSince) return;
        const old = await store.createChat(newChat({ createdAt: minutes(1) }), created);
        const a = await store.createChat(newChat({ createdAt: minutes(5) }), created);
        const b = await store.createChat(newChat({ createdAt: minutes(6) }), created);
        await store.updateChat(a.id, { state: 'queued' }, { type: 'handed_off', actor: 'bot', at: minutes(7) });
        await store.updateChat(old.id, { state: 'queued' }, { type: 'handed_off', actor: 'bot', at: minutes(8) });
        const events = await store.listEventsOfChatsSince(minutes(5));
        expect(events.map((e) => [e.chatId, e.type])).toEqual([
          [a.id, 'created'],
          [b.id, 'created'],
          [a.id, 'handed_off'],
        ]);
        expect(await store.listEventsOfChatsSince(minutes(7))).toEqual([]);
      });
    });

    describe('messages', () => {
      it('appends with per-chat sequence numbers and lists after a sequence', async () => {
        const one = await store.createChat(newChat(), created);
        const two = await store.createChat(newChat(), created);
        const m1 = await store.appendMessage({ chatId: one.id, from: 'visitor', text: 'hello', at: minutes(1) });
        const m2 = await store.appendMessage({
          chatId: one.id,
          from: 'bot',
          text: 'Hi! How can I help?',
          authorName: 'Assistant',
          data: { quickReplies: ['Pricing', 'A person'] },
        });
        const other = await store.appendMessage({ chatId: two.id, from: 'agent', text: 'x', authorName: 'Alice' });
        expect(m1).toEqual({
          created: true,
          message: {
            chatId: one.id,
            seq: 1,
            from: 'visitor',
            text: 'hello',
            authorName: null,
            clientId: null,
            externalId: null,
            data: null,
            at: minutes(1),
          },
        });
        expect(m2.message).toMatchObject({ seq: 2, from: 'bot', data: { quickReplies: ['Pricing', 'A person'] } });
        expect(other.message.seq).toBe(1);
        expect((await store.listMessages(one.id, 0)).map((m) => m.seq)).toEqual([1, 2]);
        expect(await store.listMessages(one.id, 1)).toEqual([m2.message]);
        expect(await store.listMessages(one.id, 2)).toEqual([]);
        await store.appendMessage({ chatId: one.id, from: 'system', text: 'three' });
        expect((await store.listMessages(one.id, 0, 2)).map((m) => m.seq)).toEqual([1, 2]);
      });

      it('gives 50 concurrent appends to one chat the sequence numbers 1..50, once each', async () => {
        const chat = await store.createChat(newChat(), created);
        const results = await Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            store.appendMessage({ chatId: chat.id, from: 'visitor', text: `m${i}`, clientId: `c${i}` }),
          ),
        );
        const seqs = results.map((r) => r.message.seq).sort((x, y) => x - y);
        expect(seqs).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
        const listed = await store.listMessages(chat.id, 0);
        expect(listed.map((m) => m.seq)).toEqual(seqs);
        expect(new Set(listed.map((m) => m.text)).size).toBe(50);
      });

      it('stores a message once per (chat, clientId), even when retried concurrently', async () => {
        const chat = await store.createChat(newChat(), created);
        const first = await store.appendMessage({ chatId: chat.id, from: 'visitor', text: 'hi', clientId: 'k1' });
        const again = await store.appendMessage({ chatId: chat.id, from: 'visitor', text: 'hi', clientId: 'k1' });
        expect(first.created).toBe(true);
        expect(again).toEqual({ created: false, message: first.message });

        const racing = await Promise.all(
          Array.from({ length: 6 }, () => store.appendMessage({ chatId: chat.id, from: 'visitor', text: 'x', clientId: 'k2' })),
        );
        expect(racing.filter((r) => r.created)).toHaveLength(1);
        expect(new Set(racing.map((r) => r.message.seq))).toEqual(new Set([2]));

        // The same client id in another chat is another message; duplicates left no gap.
        const other = await store.createChat(newChat(), created);
        expect((await store.appendMessage({ chatId: other.id, from: 'visitor', text: 'hi', clientId: 'k1' })).created).toBe(true);
        const next = await store.appendMessage({ chatId: chat.id, from: 'visitor', text: 'next' });
        expect(next.message.seq).toBe(3);
      });

      it('stores a message once per externalId, even when delivered concurrently', async () => {
        const chat = await store.createChat(newChat(), created);
        const deliveries = await Promise.all(
          Array.from({ length: 5 }, () =>
            store.appendMessage({ chatId: chat.id, from: 'agent', text: 'reply', externalId: 'webex-msg-1' }),
          ),
        );
        expect(deliveries.filter((d) => d.created)).toHaveLength(1);
        expect(deliveries.every((d) => d.message.seq === 1 && d.message.externalId === 'webex-msg-1')).toBe(true);
        const later = await store.appendMessage({ chatId: chat.id, from: 'agent', text: 'reply', externalId: 'webex-msg-1' });
        expect(later.created).toBe(false);
        expect(await store.listMessages(chat.id, 0)).toHaveLength(1);
      });

      it('refuses a message for a chat that does not exist', async () => {
        await expect(store.appendMessage({ chatId: randomUUID(), from: 'visitor', text: 'x' })).rejects.toThrow();
      });

      it('accepts untrusted text with control characters', async () => {
        const input = newChat();
        const visitor = { ...input.visitor, name: 'Ad\u0000a', fields: { note: 'x\u0000y' } };
        const chat = await store.createChat({ ...input, visitor }, { ...created, data: { ua: 'u\u0000a' } });
        expect(chat.visitor.name).toMatch(/^Ad.?a$/);
        expect(await store.markProcessed('key\u0000')).toBe(true);
        await store.setSetting('texts', { greeting: 'hi\u0000' }, 'sam@example.com');
        const { message } = await store.appendMessage({ chatId: chat.id, from: 'visitor', text: 'a\u0000b <@all> \u202e' });
        expect(message.text).toContain('<@all>');
        expect((await store.listMessages(chat.id, 0))[0]!.text).toBe(message.text);
      });
    });

    describe('topics, settings and audit', () => {
      it('saves, lists, replaces and deletes topics, auditing each change', async () => {
        expect(await store.listTopics()).toEqual([]);
        const support = topic('support', { mode: 'personal', agents: ['carol@example.com', 'dave@example.com'], position: 1, assistant: true, addAgentsAt: 'handoff' });
        const sales = topic('sales');
        await store.saveTopic(support, 'sam@example.com');
        await store.saveTopic(sales, 'sam@example.com');
        expect(await store.listTopics()).toEqual([sales, support]);
        expect(await store.getTopic('support')).toEqual(support);
        expect(await store.getTopic('nope')).toBeNull();

        const changed = { ...sales, agents: ['bob@example.com', 'erin@example.com', 'bob@example.com'], names: { en: 'Sales team' } };
        await store.saveTopic(changed, 'sam@example.com');
        expect(await store.getTopic('sales')).toEqual({ ...changed, agents: ['bob@example.com', 'erin@example.com'] });
        await store.saveTopic({ ...changed, agents: [] }, 'sam@example.com');
        expect((await store.getTopic('sales'))!.agents).toEqual([]);

        expect(await store.deleteTopic('support', 'sam@example.com')).toBe(true);
        expect(await store.deleteTopic('support', 'sam@example.com')).toBe(false);
        expect((await store.listTopics()).map((t) => t.id)).toEqual(['sales']);

        const audit = await store.listAudit();
        expect(audit.map((a) => `${a.action} ${a.subject}`)).toEqual([
          'topic.delete support',
          'topic.save sales',
          'topic.save sales',
          'topic.save sales',
          'topic.save support',
        ]);
        expect(audit[0]).toMatchObject({ actor: 'sam@example.com', before: support, after: null });
        expect(audit[2]).toMatchObject({ before: sales, after: { ...changed, agents: ['bob@example.com', 'erin@example.com'] } });
        expect(audit[3]).toMatchObject({ before: null, after: sales });
        expect(audit[4]).toMatchObject({ before: null, after: support });
        expect(audit[0]!.at).toBeInstanceOf(Date);
      });

      it('stores settings as JSON and audits changes', async () => {
        expect(await store.getSetting('hours')).toBeUndefined();
        const hours = { timezone: 'Europe/Warsaw', weekly: [{ day: 1, from: '08:00', to: '16:00' }], holidays: ['2026-12-25'] };
        await store.setSetting('hours', hours, 'sam@example.com');
        expect(await store.getSetting('hours')).toEqual(hours);
        await store.setSetting('hours', { timezone: 'UTC' }, 'sam@example.com');
        await store.setSetting('retention.days', 180, 'system');
        await store.setSetting('flag', false, 'system');
        await store.setSetting('nothing', null, 'system');
        expect(await store.getSetting('hours')).toEqual({ timezone: 'UTC' });
        expect(await store.getSetting<number>('retention.days')).toBe(180);
        expect(await store.getSetting('flag')).toBe(false);
        expect(await store.getSetting('nothing')).toBeNull();

        const audit = await store.listAudit(3);
        expect(audit.map((a) => a.subject)).toEqual(['nothing', 'flag', 'retention.days']);
        const hoursChanges = (await store.listAudit()).filter((a) => a.subject === 'hours');
        expect(hoursChanges[0]).toMatchObject({ actor: 'sam@example.com', action: 'setting.set', before: hours, after: { timezone: 'UTC' } });
        expect(hoursChanges[1]).toMatchObject({ before: null, after: hours });
      });
    });

    describe('outbox', () => {
      const lease = 30_000;

      it('leases the oldest due item of each chat, in per-chat order', async () => {
        const a1 = await store.enqueueOutbox({ chatId: 'a', kind: 'visitor.message', payload: { seq: 1 } });
        const a2 = await store.enqueueOutbox({ chatId: 'a', kind: 'visitor.message', payload: { seq: 2 } });
        const b1 = await store.enqueueOutbox({ chatId: 'b', kind: 'card', payload: { n: [1, 'x', null] } });
        expect(a1).toMatchObject({ chatId: 'a', kind: 'visitor.message', payload: { seq: 1 }, attempts: 0, lastError: null });
        expect(a2.id).toBeGreaterThan(a1.id);
        expect(await store.countPendingOutbox()).toBe(3);
        expect(await store.countPendingOutbox('a')).toBe(2);

        const now = new Date();
        const first = await store.claimOutbox(now, 10, lease);
        expect(first.map((i) => i.id).sort()).toEqual([a1.id, b1.id].sort());
        expect(first.find((i) => i.id === b1.id)!.payload).toEqual({ n: [1, 'x', null] });
        expect(await store.claimOutbox(now, 10, lease)).toEqual([]); // leased, and a2 waits for a1

        await store.completeOutbox(a1.id);
        const second = await store.claimOutbox(now, 10, lease);
        expect(second.map((i) => i.id)).toEqual([a2.id]);
        expect(await store.countPendingOutbox('a')).toBe(1);
      });

      it('retries later with the error, and re-offers an item whose lease ran out', async () => {
        const item = await store.enqueueOutbox({ chatId: 'c', kind: 'k', payload: 'p' });
        const later = await store.enqueueOutbox({ chatId: 'c', kind: 'k', payload: 'q' });
        const now = new Date();
        const [claimed] = await store.claimOutbox(now, 1, lease);
        expect(claimed!.id).toBe(item.id);
        await store.retryOutbox(item.id, new Date(now.getTime() + 60_000), 'HTTP 429');
        expect(await store.claimOutbox(new Date(now.getTime() + 59_000), 5, lease)).toEqual([]); // order holds
        const [retried] = await store.claimOutbox(new Date(now.getTime() + 60_000), 5, lease);
        expect(claimed!.attempts).toBe(0);
        expect(retried).toMatchObject({ id: item.id, lastError: 'HTTP 429', attempts: 1 });
        // The worker died: after the lease the same item is offered again, still before `later`.
        const expired = new Date(now.getTime() + 60_000 + lease);
        expect((await store.claimOutbox(expired, 5, lease)).map((i) => i.id)).toEqual([item.id]);
        await store.completeOutbox(item.id);
        expect((await store.claimOutbox(expired, 5, lease)).map((i) => i.id)).toEqual([later.id]);
      });

      it('never gives one item, or two items of one chat, to concurrent claimers', async () => {
        const lanes = ['l1', 'l2', 'l3', 'l4', 'l5', 'l6'];
        for (let i = 0; i < 8; i++) {
          for (const lane of lanes) await store.enqueueOutbox({ chatId: lane, kind: 'k', payload: { i } });
        }
        const now = new Date();
        const inFlight = new Set<string>();
        const delivered = new Map<string, number[]>();
        const seen = new Set<number>();
        const problems: string[] = [];
        const worker = async () => {
          for (let idle = 0; idle < 20; ) {
            const items: OutboxItem[] = await store.claimOutbox(now, 2, lease);
            if (items.length === 0) {
              if ((await store.countPendingOutbox()) === 0) return;
              idle++;
              await new Promise((r) => setTimeout(r, 5));
              continue;
            }
            idle = 0;
            for (const item of items) {
              if (seen.has(item.id)) problems.push(`item ${item.id} claimed twice`);
              if (inFlight.has(item.chatId)) problems.push(`two items of ${item.chatId} in flight`);
              seen.add(item.id);
              inFlight.add(item.chatId);
            }
            await new Promise((r) => setImmediate(r));
            for (const item of items) {
              delivered.set(item.chatId, [...(delivered.get(item.chatId) ?? []), (item.payload as { i: number }).i]);
              inFlight.delete(item.chatId);
              await store.completeOutbox(item.id);
            }
          }
        };
        await Promise.all([worker(), worker(), worker(), worker()]);
        expect(problems).toEqual([]);
        expect(seen.size).toBe(lanes.length * 8);
        for (const lane of lanes) expect(delivered.get(lane)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
        expect(await store.countPendingOutbox()).toBe(0);
      });

      it('splits one batch of heads between simultaneous claimers without overlap', async () => {
        for (let lane = 0; lane < 20; lane++) {
          await store.enqueueOutbox({ chatId: `lane${lane}`, kind: 'k', payload: 1 });
          await store.enqueueOutbox({ chatId: `lane${lane}`, kind: 'k', payload: 2 });
        }
        const now = new Date();
        const batches = await Promise.all([1, 2, 3].map(() => store.claimOutbox(now, 100, lease)));
        const all = batches.flat();
        expect(new Set(all.map((i) => i.id)).size).toBe(all.length);
        expect(new Set(all.map((i) => i.chatId)).size).toBe(all.length);
        expect(all).toHaveLength(20);
        expect(all.every((i) => i.payload === 1)).toBe(true);
      });
    });

    describe('message with its delivery (appendMessageWithOutbox)', () => {
      const lease = 30_000;
      /** Optional in the port; every adapter here has it. */
      const withOutbox = () => {
        const method = store.appendMessageWithOutbox;
        expect(method, 'appendMessageWithOutbox').toBeTypeOf('function');
        return method!.bind(store);
      };

      it('stores the message and its delivery together, leased when it heads its lane', async () => {
        const append = withOutbox();
        const chat = await store.createChat(newChat(), created);
        const first = await append(
          { chatId: chat.id, from: 'visitor', text: 'hi', clientId: 'c1' },
          { kind: 'visitor_message', payload: { markdown: '**V**: hi' } },
          { leaseMs: lease },
        );
        expect(first).toMatchObject({ created: true, leased: true, message: { seq: 1, text: 'hi', clientId: 'c1', from: 'visitor' } });
        expect(first.item).toMatchObject({ chatId: chat.id, kind: 'visitor_message', payload: { markdown: '**V**: hi' }, attempts: 0 });
        expect(await store.listMessages(chat.id, 0)).toEqual([first.message]);
        expect(await store.countPendingOutbox(chat.id)).toBe(1);
        // Leased to the caller: no claimer gets it, and the next one waits behind it.
        const second = await append(
          { chatId: chat.id, from: 'visitor', text: 'again', clientId: 'c2' },
          { kind: 'visitor_message', payload: 2 },
          { leaseMs: lease },
        );
        expect(second).toMatchObject({ created: true, leased: false, message: { seq: 2 } });
        expect(await store.claimOutbox(new Date(), 10, lease)).toEqual([]);
        await store.completeOutbox(first.item!.id);
        expect((await store.claimOutbox(new Date(), 10, lease)).map((i) => i.id)).toEqual([second.item!.id]);
      });

      it('leases nothing unless asked, and never past an older item of the lane', async () => {
        const append = withOutbox();
        const chat = await store.createChat(newChat(), created);
        const plain = await append({ chatId: chat.id, from: 'visitor', text: 'a', clientId: 'a' }, { kind: 'k', payload: 'a' });
        expect(plain.leased).toBe(false);
        const other = await store.createChat(newChat(), created);
        const older = await store.enqueueOutbox({ chatId: other.id, kind: 'control_card', payload: {} });
        const behind = await append({ chatId: other.id, from: 'visitor', text: 'b', clientId: 'b' }, { kind: 'k', payload: 'b' }, { leaseMs: lease });
        expect(behind.leased).toBe(false);
        const claimed = await store.claimOutbox(new Date(), 10, lease);
        expect(claimed.map((i) => i.id).sort((x, y) => x - y)).toEqual([plain.item!.id, older.id].sort((x, y) => x - y));
      });

      it('returns the stored message for a repeated clientId and enqueues nothing again', async () => {
        const append = withOutbox();
        const chat = await store.createChat(newChat(), created);
        const message = { chatId: chat.id, from: 'visitor' as const, text: 'hi', clientId: 'k1' };
        const first = await append(message, { kind: 'k', payload: 1 }, { leaseMs: lease });
        const again = await append(message, { kind: 'k', payload: 1 }, { leaseMs: lease });
        expect(again).toMatchObject({ message: first.message, created: false, item: null, leased: false });
        // Also a message first stored by appendMessage, and retries racing each other.
        await store.appendMessage({ chatId: chat.id, from: 'visitor', text: 'x', clientId: 'k2' });
        const racing = await Promise.all(
          Array.from({ length: 6 }, () => append({ ...message, clientId: 'k3' }, { kind: 'k', payload: 3 }, { leaseMs: lease })),
        );
        expect(racing.filter((r) => r.created)).toHaveLength(1);
        expect(new Set(racing.map((r) => r.message.seq))).toEqual(new Set([3]));
        expect((await append({ ...message, clientId: 'k2' }, { kind: 'k', payload: 2 })).created).toBe(false);
        expect(await store.countPendingOutbox(chat.id)).toBe(2);
        expect((await store.listMessages(chat.id, 0)).map((m) => m.seq)).toEqual([1, 2, 3]);
      });

      it('stores neither when the delivery cannot be stored, and refuses an unknown chat', async () => {
        const append = withOutbox();
        const chat = await store.createChat(newChat(), created);
        // An empty kind breaks the outbox's CHECK: the message must not stay behind alone.
        await expect(append({ chatId: chat.id, from: 'visitor', text: 'x', clientId: 'c' }, { kind: '', payload: 1 })).rejects.toThrow();
        expect(await store.listMessages(chat.id, 0)).toEqual([]);
        expect(await store.countPendingOutbox(chat.id)).toBe(0);
        const ok = await append({ chatId: chat.id, from: 'visitor', text: 'x', clientId: 'c' }, { kind: 'k', payload: 1 });
        expect(ok.message.seq).toBe(1);
        await expect(append({ chatId: randomUUID(), from: 'visitor', text: 'x' }, { kind: 'k', payload: 1 })).rejects.toThrow();
      });

      it('checks the guard (token hash, states) before writing anything', async () => {
        const append = withOutbox();
        const chat = await store.createChat(newChat(), created);
        const guard = { tokenHash: chat.tokenHash, states: ['bot', 'queued', 'active'] as ChatState[] };
        const message = { chatId: chat.id, from: 'visitor' as const, text: 'hi', clientId: 'g1' };
        const ok = await append(message, { kind: 'k', payload: 1 }, undefined, guard);
        expect(ok).toMatchObject({ created: true, state: chat.state, message: { seq: 1 } });
        expect((await append(message, { kind: 'k', payload: 1 }, undefined, guard)).created).toBe(false);

        const stranger = append({ ...message, clientId: 'g2' }, { kind: 'k', payload: 2 }, undefined, { ...guard, tokenHash: 'other' });
        await expect(stranger).rejects.toMatchObject({ name: 'AppendRefusedError', reason: 'not_found' });
        // Not even a stored message comes back to a wrong token.
        await expect(append(message, { kind: 'k', payload: 1 }, undefined, { ...guard, tokenHash: 'other' })).rejects.toMatchObject({ reason: 'not_found' });
        const missing = append({ ...message, chatId: randomUUID() }, { kind: 'k', payload: 2 }, undefined, guard);
        await expect(missing).rejects.toMatchObject({ reason: 'not_found' });

        await store.updateChat(chat.id, { state: 'closed', closedAt: new Date() });
        const late = append({ ...message, clientId: 'g3' }, { kind: 'k', payload: 3 }, { leaseMs: lease }, guard);
        await expect(late).rejects.toMatchObject({ name: 'AppendRefusedError', reason: 'state', state: 'closed' });
        expect((await store.listMessages(chat.id, 0)).map((m) => m.clientId)).toEqual(['g1']);
        expect(await store.countPendingOutbox(chat.id)).toBe(1);
      });

      it('leases at most the head of a lane while appends and plain enqueues race', async () => {
        const append = withOutbox();
        const chat = await store.createChat(newChat(), created);
        const results = await Promise.all(
          Array.from({ length: 30 }, (_, i) =>
            i % 3 === 0
              ? store.enqueueOutbox({ chatId: chat.id, kind: 'bot_message', payload: i }).then((item) => ({ item, leased: false }))
              : append({ chatId: chat.id, from: 'visitor', text: `m${i}`, clientId: `c${i}` }, { kind: 'k', payload: i }, { leaseMs: lease }),
          ),
        );
        const ids = results.map((r) => r.item!.id).sort((x, y) => x - y);
        const leased = results.filter((r) => r.leased).map((r) => r.item!.id);
        expect(leased.length).toBeLessThanOrEqual(1);
        // A leased item was the lane's oldest; otherwise the claim hands out the oldest.
        const head = leased[0] ?? (await store.claimOutbox(new Date(), 10, lease)).map((i) => i.id)[0];
        expect(head).toBe(ids[0]);
        expect(await store.claimOutbox(new Date(), 10, lease)).toEqual([]);
        const seqs = (await store.listMessages(chat.id, 0)).map((m) => m.seq);
        expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      });
    });

    describe('dedupe and retention', () => {
      it('marks a delivery id processed exactly once, also under concurrency', async () => {
        expect(await store.markProcessed('msg-1')).toBe(true);
        expect(await store.markProcessed('msg-1')).toBe(false);
        const racing = await Promise.all(Array.from({ length: 6 }, () => store.markProcessed('msg-2')));
        expect(racing.filter(Boolean)).toHaveLength(1);
        if (store.purgeProcessedBefore) {
          expect(await store.purgeProcessedBefore(new Date(Date.now() - 3_600_000))).toBe(0);
          expect(await store.purgeProcessedBefore(new Date(Date.now() + 60_000))).toBe(2);
          expect(await store.markProcessed('msg-1')).toBe(true);
        }
      });

      it('keeps offline messages, newest first, and purges them by age', async () => {
        const old = await store.saveOfflineMessage({
          topicId: 'sales', name: 'Ola', email: 'ola@example.com', message: 'Call me\u0000 back',
          language: 'pl', page: null, ip: '37.47.248.93', at: minutes(-60),
        });
        const fresh = await store.saveOfflineMessage({
          topicId: 'support', name: 'Jan', email: 'jan@example.com', message: 'Hello',
          language: 'en', page: 'https://shop.example/p', ip: null,
        });
        expect(fresh.id).toBeGreaterThan(old.id);
        expect(old).toMatchObject({ topicId: 'sales', name: 'Ola', message: 'Call me back', ip: '37.47.248.93' });
        expect(fresh.at).toBeInstanceOf(Date);
        const listed = await store.listOfflineMessages(10);
        expect(listed.map((m) => m.id)).toEqual([fresh.id, old.id]);
        expect(listed[0]).toEqual(fresh);
        expect(await store.purgeOfflineMessagesBefore(minutes(-30))).toBe(1);
        expect((await store.listOfflineMessages()).map((m) => m.id)).toEqual([fresh.id]);
      });

      it('purges closed chats closed before the cutoff, with their messages, events and outbox', async () => {
        const old = await store.createChat(newChat({ state: 'closed', closedAt: minutes(-60) }), created);
        const recent = await store.createChat(newChat({ state: 'closed', closedAt: minutes(10) }), created);
        const open = await store.createChat(newChat({ state: 'active', createdAt: minutes(-120) }), created);
        for (const chat of [old, recent, open]) {
          await store.appendMessage({ chatId: chat.id, from: 'visitor', text: 'hi' });
          await store.updateChat(chat.id, {}, { type: 'note', actor: 'system' });
          await store.enqueueOutbox({ chatId: chat.id, kind: 'k', payload: null });
        }
        expect(await store.purgeClosedBefore(minutes(0))).toBe(1);
        expect(await store.getChat(old.id)).toBeNull();
        expect(await store.listMessages(old.id, 0)).toEqual([]);
        expect(await store.listEvents(old.id)).toEqual([]);
        expect(await store.countPendingOutbox(old.id)).toBe(0);
        for (const chat of [recent, open]) {
          expect(await store.getChat(chat.id)).not.toBeNull();
          expect(await store.listMessages(chat.id, 0)).toHaveLength(1);
          expect(await store.listEvents(chat.id)).toHaveLength(2);
          expect(await store.countPendingOutbox(chat.id)).toBe(1);
        }
        expect(await store.purgeClosedBefore(minutes(0))).toBe(0);
      });
    });
  });
}
