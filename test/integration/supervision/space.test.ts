// The supervisors' space itself: a welcome line with the most useful commands when it is
// created, and a supervisor added to the configuration later invited at the next start.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, eventually, members } from '../chats/harness.js';
import { startDesk, textOf, type Desk } from './harness.js';

let desk: Desk;

beforeAll(async () => {
  desk = await startDesk();
}, 60_000);

afterAll(() => desk?.close());

describe('the supervisors space', () => {
  it('starts with a welcome line naming status, hours and help', async () => {
    const first = await eventually(async () => (await desk.sam.messages(desk.space)).find((m) => m.personEmail === desk.botEmail));
    const text = textOf(first);
    expect(text).toMatch(/This space runs the live chat desk/);
    for (const word of ['`status`', '`hours`', '`help`']) expect(text).toContain(word);
  });

  it('a supervisor added to the configuration later is invited to the existing space at start', async () => {
    expect(await members(desk.product.app, desk.space)).not.toContain('erin@example.com');
    const file = path.join(desk.product.dataDir, 'livechat.config.json');
    const config = JSON.parse(readFileSync(file, 'utf8')) as { supervisors: { emails: string[] } };
    config.supervisors.emails.push('erin@example.com');
    writeFileSync(file, JSON.stringify(config));
    await desk.product.app.close();
    const again = await desk.product.restart();
    // The same space: no second one is made, and the welcome is not repeated.
    expect(await again.store.getSetting('supervisors.spaceId')).toBe(desk.space);
    await eventually(async () => (await members(again, desk.space)).includes('erin@example.com'));
    const welcomes = (await new Agent(again, 'sam@example.com').messages(desk.space)).filter((m) => /This space runs the live chat desk/.test(textOf(m)));
    expect(welcomes).toHaveLength(1);
  });
});
