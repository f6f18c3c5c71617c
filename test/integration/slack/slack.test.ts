// The product with MESSENGER=slack over real HTTP: a Slack sandbox on its own port plays Slack
// (the app is configured with its token, signing secret and API URL, as in production), the
// real database holds the chats, the visitor talks to the widget API, and agents act in the
// sandbox (their messages and clicks reach the app as signed Events API and interactivity
// deliveries).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSlackBody } from '../../../src/adapters/channel/slack/signature.js';
import { renderMrkdwn, SLACK_SANDBOX_BOT_TOKEN, SlackSandbox, type SlackSandboxMessage } from '../../../src/sandbox/slack/index.js';
import { SUPERVISORS_SPACE_SETTING } from '../../../src/services/deliveries.js';
import { eventually, spaceOf, startProduct, Visitor, type Product } from '../chats/harness.js';

let slack: SlackSandbox;
let product: Product;
let base: string;

beforeAll(async () => {
  slack = new SlackSandbox();
  await slack.listen();
  product = await startProduct({
    MESSENGER: 'slack',
    SLACK_BOT_TOKEN: SLACK_SANDBOX_BOT_TOKEN,
    SLACK_SIGNING_SECRET: slack.signingSecret,
    SLACK_API_URL: slack.apiBase,
  });
  base = product.app.url;
  slack.requestUrl = `${base}/webhooks/slack`;
});

afterAll(async () => {
  await product?.close();
  await slack?.close();
});

function messages(channel: string): SlackSandboxMessage[] {
  return slack.channels.get(channel)?.messages ?? [];
}

function buttons(message: SlackSandboxMessage): string[] {
  return (message.blocks ?? [])
    .filter((b) => b.type === 'actions')
    .flatMap((b) => (b.elements as { text: { text: string } }[]).map((e) => e.text.text));
}

async function signedPost(body: string, timestamp: number, secret = slack.signingSecret, contentType = 'application/json') {
  return fetch(`${base}/webhooks/slack`, {
    method: 'POST',
    headers: {
      'content-type': contentType,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signSlackBody(secret, timestamp, body),
    },
    body,
  });
}

describe('Slack as the agents’ messenger', () => {
  it('a chat gets a private channel with the topic’s agents; visitor text stays literal; claim, replies and notes work', async () => {
    expect(product.app.channel.mode).toBe('relay');
    const visitor = await Visitor.start(base, { topic: 'sales', name: 'Jan', language: 'en' });
    const channel = await spaceOf(product.app, visitor.id);
    const room = slack.channels.get(channel)!;
    expect(room.isPrivate).toBe(true);
    await eventually(() => slack.memberEmails(channel).includes('bob@example.com'));
    expect(slack.memberEmails(channel)).toEqual(['alice@example.com', 'bob@example.com', 'livechat-bot@slack.invalid']);

    // The visitor card became blocks with the same four actions (sub-cards inlined).
    const card = await eventually(() => messages(channel).find((m) => buttons(m).includes('Claim')));
    expect(buttons(card)).toEqual(['Claim', 'Escalate', 'Transfer', 'Close chat']);
    expect(JSON.stringify(card.blocks)).toContain('Jan');

    // Mentions, formatting and links a visitor types show as typed.
    const hostile = '<!channel> *hi* <http://evil|x>';
    expect((await visitor.send(hostile)).status).toBe(202);
    const posted = await eventually(() => messages(channel).find((m) => renderMrkdwn(m.text).shown.includes('hi')));
    const shown = renderMrkdwn(posted.text);
    expect(shown.shown).toBe(`Visitor · Jan (unverified): ${hostile}`);
    expect(shown.mentions).toEqual([]);
    expect(shown.links).toEqual([]);
    expect(shown.bold).toEqual(['Visitor · Jan (unverified):']);

    // Alice clicks Claim: a signed block_actions delivery.
    expect(await slack.click('alice@example.com', channel, card.ts, 'Claim')).toBe(200);
    await eventually(async () => (await visitor.state()) === 'active');
    expect((await product.app.store.getChat(visitor.id))?.ownerEmail).toBe('alice@example.com');

    // Her top-level message reaches the visitor; a reply in a thread is an internal note.
    const hello = slack.say('alice@example.com', channel, 'Hello &amp; welcome, see <https://shop.example.com|our shop>');
    const reply = await visitor.waitFor((m) => m.from === 'agent');
    expect(reply.text).toBe('Hello & welcome, see our shop (https://shop.example.com)');
    slack.say('alice@example.com', channel, 'psst, internal note', hello.ts);
    await eventually(async () => (await product.app.store.listEvents(visitor.id)).some((e) => e.type === 'note'));
    slack.say('bob@example.com', channel, 'Bob here too');
    await visitor.waitFor((m) => m.text === 'Bob here too');
    expect((await visitor.messages()).messages.map((m) => m.text)).not.toContain('psst, internal note');

    // A mention of the bot is a command: `close` closes the chat.
    slack.say('alice@example.com', channel, `<@${slack.bot.id}> close thanks`);
    await eventually(async () => (await visitor.state()) === 'closed');
  });

  it('a sub-card’s form works: Escalate with an e-mail typed in brings that person in', async () => {
    const visitor = await Visitor.start(base, { topic: 'sales', name: 'Eve', language: 'en' });
    const channel = await spaceOf(product.app, visitor.id);
    const card = await eventually(() => messages(channel).find((m) => buttons(m).includes('Claim')));
    expect(await slack.click('alice@example.com', channel, card.ts, 'Claim')).toBe(200);
    await eventually(async () => (await visitor.state()) === 'active');
    const fresh = await eventually(() => messages(channel).filter((m) => buttons(m).includes('Escalate')).at(-1));
    expect(await slack.click('alice@example.com', channel, fresh.ts, 'Escalate', { emails: 'dave@example.com' })).toBe(200);
    await eventually(() => slack.memberEmails(channel).includes('dave@example.com'));
  });

  it('supervisors get their private channel; a command shows the hours card and its form is answered', async () => {
    const space = await eventually(async () => product.app.store.getSetting<string>(SUPERVISORS_SPACE_SETTING));
    await eventually(() => slack.memberEmails(space).includes('sam@example.com'));
    const asked = slack.say('sam@example.com', space, `<@${slack.bot.id}> hours support`);
    const card = await eventually(() =>
      messages(space).find((m) => m.ts > asked.ts && buttons(m).includes('Save') && /Support/.test(JSON.stringify(m.blocks))),
    );
    // The topic follows the default week, so the box starts checked: a week of its own unchecks it.
    expect(await slack.click('sam@example.com', space, card.ts, 'Save', { inherit: '', mon: '9-25', timezone: 'UTC' })).toBe(200);
    await eventually(() => messages(space).find((m) => m.ts > card.ts && /Mon: "9-25"/.test(renderMrkdwn(m.text).shown)));
  });

  it('refuses forged and stale deliveries, answers the URL check, and waits out a 429', async () => {
    const now = Math.floor(Date.now() / 1000);
    const check = JSON.stringify({ type: 'url_verification', token: 't', challenge: 'abc123' });
    const ok = await signedPost(check, now);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ challenge: 'abc123' });

    expect((await signedPost(check, now, 'not-the-secret')).status).toBe(401);
    expect((await signedPost(check, now - 10 * 60)).status).toBe(401);
    const unsigned = await fetch(`${base}/webhooks/slack`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: check });
    expect(unsigned.status).toBe(401);
    // A forged click changes nothing.
    const forged = new URLSearchParams({ payload: JSON.stringify({ type: 'block_actions', user: { id: 'U1' }, actions: [] }) }).toString();
    expect((await signedPost(forged, now, 'not-the-secret', 'application/x-www-form-urlencoded')).status).toBe(401);
    // Signed but not Slack's shape: a clear 400.
    expect((await signedPost('{"type":"nonsense"}', now)).status).toBe(400);

    const visitor = await Visitor.start(base, { topic: 'sales', name: 'Ola', language: 'en' });
    const channel = await spaceOf(product.app, visitor.id);
    await eventually(() => messages(channel).find((m) => buttons(m).includes('Claim')));
    const before = slack.calls.get('chat.postMessage') ?? 0;
    slack.rateLimit('chat.postMessage', 1, 1);
    expect((await visitor.send('after the limit')).status).toBe(202);
    await eventually(() => messages(channel).find((m) => m.text.endsWith('after the limit')));
    // The refused call and the one after its Retry-After.
    expect((slack.calls.get('chat.postMessage') ?? 0) - before).toBeGreaterThanOrEqual(2);
  });
});

describe('MESSENGER=slack without a token', () => {
  it('runs the Slack sandbox in the process', async () => {
    const local = await startProduct({ MESSENGER: 'slack' });
    try {
      const sandbox = local.app.slackSandbox!;
      expect(sandbox).not.toBeNull();
      expect(local.app.sandbox).toBeNull();
      expect(sandbox.apiBase).toBe(`${local.app.url}/sandbox/slack/api`);
      const visitor = await Visitor.start(local.app.url, { topic: 'support', name: 'Kim', language: 'en' });
      const channel = await spaceOf(local.app, visitor.id);
      await eventually(() => sandbox.memberEmails(channel).includes('dave@example.com'));
      const card = await eventually(() =>
        sandbox.channels.get(channel)?.messages.find((m) => JSON.stringify(m.blocks ?? []).includes('"Claim"')),
      );
      expect(await sandbox.click('carol@example.com', channel, card.ts, 'Claim')).toBe(200);
      await eventually(async () => (await visitor.state()) === 'active');
      sandbox.say('carol@example.com', channel, 'Hi Kim');
      await visitor.waitFor((m) => m.text === 'Hi Kim');
    } finally {
      await local.close();
    }
  });
});
