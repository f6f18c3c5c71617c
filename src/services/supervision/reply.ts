// How a supervisor command answers: words or a card, posted by the bot in the supervisors' space.
import type { RichText } from '../../domain/rich-text.js';
import type { AgentChannel, CardSpec } from '../../ports.js';

/** Per supervisor (`supervisors.hinted:<e-mail>`): told once how to mention the bot. */
export const HINTED_SETTING_PREFIX = 'supervisors.hinted:';

export interface Reply {
  say(text: RichText): Promise<void>;
  show(view: CardSpec): Promise<void>;
}

export function replyIn(channel: Pick<AgentChannel, 'post' | 'postCard'>, space: string): Reply {
  return {
    say: async (text) => {
      await channel.post(space, { speaker: { kind: 'bot' }, text });
    },
    show: async (view) => {
      await channel.postCard(space, view);
    },
  };
}
