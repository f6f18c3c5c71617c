// The default deployment: data written before a restart of the embedded server is there after it.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, expect, it } from 'vitest';
import { openDatabase } from '../../../src/adapters/db/database.js';
import { PostgresStore } from '../../../src/adapters/store/postgres/postgres-store.js';
import { newChat } from './store-contract.js';

const log = pino({ level: 'silent' });
let dir: string | undefined;
afterAll(() => (dir ? rm(dir, { recursive: true, force: true }) : undefined));

it('keeps chats, messages, settings and dedupe keys across a restart of the embedded server', async () => {
  dir = await mkdtemp(join(tmpdir(), 'livechat-restart-'));
  await chmod(dir, 0o755);
  const chat = newChat({ state: 'queued' });

  const first = await openDatabase({ dataDir: dir, log });
  const before = new PostgresStore(first.pool);
  await before.createChat(chat, { type: 'created', actor: 'visitor' });
  await before.appendMessage({ chatId: chat.id, from: 'visitor', text: 'still there?', clientId: 'c1' });
  await before.setSetting('retention.days', 180, 'test');
  await before.markProcessed('delivery-1');
  await first.close();

  const second = await openDatabase({ dataDir: dir, log });
  try {
    const after = new PostgresStore(second.pool);
    expect((await after.getChat(chat.id))!.state).toBe('queued');
    expect((await after.listMessages(chat.id, 0)).map((m) => m.text)).toEqual(['still there?']);
    expect(await after.getSetting('retention.days')).toBe(180);
    expect(await after.markProcessed('delivery-1')).toBe(false);
    const next = await after.appendMessage({ chatId: chat.id, from: 'agent', text: 'yes' });
    expect(next.message.seq).toBe(2);
  } finally {
    await second.close();
  }
});
