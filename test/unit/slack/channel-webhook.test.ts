// The Slack channel's delivery handling against the Slack sandbox's Web API: which events
// become agent messages (and how), what is ignored, and deduplication.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { createSlackChannel, type SlackChannel } from '../../../src/adapters/channel/slack/channel.js';
import { signSlackBody } from '../../../src/adapters/channel/slack/signature.js';
import type { AgentMessage, CardAction } from '../../../src/ports.js';
import { SLACK_SANDBOX_BOT_TOKEN, SlackSandbox } from '../../../src/sandbox/slack/index.js';

let slack: SlackSandbox;
let channel: SlackChannel;
const received: AgentMessage[] = [];
const actions: CardAction[] = [];
let alice: string;
let n = 0;

beforeAll(async () => {
  slack = new SlackSandbox();
  await slack.listen();
  channel = createSlackChannel({
    apiBase: slack.apiBase,
    botToken: SLACK_SANDBOX_BOT_TOKEN,
    signingSecret: slack.signingSecret,
    logger: pino({ level: 'silent' }),
  });
  alice = slack.user('alice@example.com').id;
});

afterAll(async () => {
  await channel.stop();
  await slack.close();
});

function headers(body: string, contentType = 'application/json') {
  const ts = Math.floor(Date.now() / 1000);
  return { 'content-type': contentType, 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signSlackBody(slack.signingSecret, ts, body) };
}

async function deliver(event: Record<string, unknown>, eventId = `Ev${++n}`) {
  const body = JSON.stringify({ type: 'event_callback', event_id: eventId, event });
  const result = await channel.handleWebhook(Buffer.from(body), headers(body));
  await channel.whenIdle();
  return result;
}

const ts = () => `1700000${String(++n).padStart(3, '0')}.000100`;

describe('Slack channel deliveries', () => {
  it('answers 503 before start, then maps agent messages', async () => {
    expect((await deliver({ type: 'message', channel: 'G1', user: 'U1', text: 'x', ts: ts() })).status).toBe(503);
    await channel.start({
      onAgentMessage: async (m) => void received.push(m),
      onCardAction: async (a) => void actions.push(a),
    });
    expect(channel.botUserId).toBe(slack.bot.id);

    const top = ts();
    expect(await deliver({ type: 'message', channel: 'G1', channel_type: 'group', user: alice, text: 'Hi &lt;there&gt;', ts: top })).toEqual({
      status: 200,
      body: { accepted: true },
    });
    expect(received.at(-1)).toMatchObject({
      spaceId: 'G1',
      messageId: `G1:${top}`,
      text: 'Hi <there>',
      parentId: null,
      mentionsBot: false,
      author: { email: 'alice@example.com', displayName: 'Alice', firstName: 'Alice' },
    });

    const reply = ts();
    await deliver({ type: 'message', channel: 'G1', user: alice, text: 'note', ts: reply, thread_ts: top });
    expect(received.at(-1)).toMatchObject({ messageId: `G1:${reply}`, parentId: `G1:${top}` });

    const command = ts();
    await deliver({ type: 'message', channel: 'G1', user: alice, text: `<@${slack.bot.id}> close  done`, ts: command });
    expect(received.at(-1)).toMatchObject({ text: 'close done', mentionsBot: true });
    // The same message as app_mention, and Slack's retry of an event: handled once.
    const count = received.length;
    expect((await deliver({ type: 'app_mention', channel: 'G1', user: alice, text: `<@${slack.bot.id}> close`, ts: command })).body).toEqual({
      duplicate: true,
    });
    expect((await deliver({ type: 'message', channel: 'G1', user: alice, text: 'again', ts: ts() }, 'EvSAME')).status).toBe(200);
    expect((await deliver({ type: 'message', channel: 'G1', user: alice, text: 'again', ts: ts() }, 'EvSAME')).body).toEqual({ duplicate: true });
    expect(received.length).toBe(count + 1);

    await deliver({ type: 'message', channel: 'D1', channel_type: 'im', user: alice, text: 'help', ts: ts() });
    expect(received.at(-1)).toMatchObject({ text: 'help', mentionsBot: true });
  });

  it('ignores bots (itself included), edits, joins and other events', async () => {
    const before = received.length;
    expect((await deliver({ type: 'message', channel: 'G1', user: slack.bot.id, bot_id: 'B0SANDBOT', text: 'mine', ts: ts() })).body).toEqual({ ignored: 'bot' });
    expect((await deliver({ type: 'message', subtype: 'bot_message', channel: 'G1', bot_id: 'B9', text: 'other app', ts: ts() })).body).toEqual({ ignored: 'bot_message' });
    expect((await deliver({ type: 'message', subtype: 'message_changed', channel: 'G1', ts: ts() })).body).toEqual({ ignored: 'message_changed' });
    expect((await deliver({ type: 'message', subtype: 'group_join', channel: 'G1', user: alice, ts: ts() })).body).toEqual({ ignored: 'group_join' });
    expect((await deliver({ type: 'reaction_added', user: alice })).body).toEqual({ ignored: 'reaction_added' });
    expect(received.length).toBe(before);
  });

  it('a click on a foreign or link button is no card action; bad payloads are 400', async () => {
    const payload = (value: string) =>
      new URLSearchParams({
        payload: JSON.stringify({
          type: 'block_actions',
          user: { id: alice },
          channel: { id: 'G1' },
          container: { message_ts: '1700000000.000100', channel_id: 'G1' },
          actions: [{ action_id: 'submit:0', value, action_ts: '1700000001.000200' }, { action_id: 'url:1', action_ts: '1700000001.000300' }],
          state: { values: {} },
        }),
      }).toString();
    const form = 'application/x-www-form-urlencoded';
    const foreign = payload('not ours');
    expect((await channel.handleWebhook(Buffer.from(foreign), headers(foreign, form))).status).toBe(200);
    const ours = payload(JSON.stringify({ d: { action: 'claim', chatId: 'c1' }, s: 't' }));
    expect((await channel.handleWebhook(Buffer.from(ours), headers(ours, form))).status).toBe(200);
    await channel.whenIdle();
    expect(actions).toHaveLength(1);
    expect(actions[0]).toMatchObject({
      spaceId: 'G1',
      messageId: 'G1:1700000000.000100',
      inputs: { action: 'claim', chatId: 'c1' },
      actor: { email: 'alice@example.com' },
    });
    // Slack's retry of the same click: once.
    await channel.handleWebhook(Buffer.from(ours), headers(ours, form));
    await channel.whenIdle();
    expect(actions).toHaveLength(1);
    const bad = 'payload=%7Bnot-json';
    expect((await channel.handleWebhook(Buffer.from(bad), headers(bad, form))).status).toBe(400);
  });
});
