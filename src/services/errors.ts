// Refusals the services give; the HTTP layer maps each code to a status.
export type ChatErrorCode = 'unknown_topic' | 'topic_closed' | 'invalid_fields' | 'not_found' | 'chat_closed' | 'transcript_expired' | 'identity_invalid';

export class ChatError extends Error {
  override readonly name = 'ChatError';
  constructor(
    readonly code: ChatErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}
