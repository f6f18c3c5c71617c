// A local OpenAI-compatible server for tests: POST /v1/chat/completions on 127.0.0.1, real HTTP.
// Each test decides how the "model" behaves; every request is kept for assertions.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CompletionRequest {
  model: string;
  messages: { role: string; content: string }[];
  tools?: { type: string; function: { name: string; parameters: unknown } }[];
  max_tokens?: number;
  max_completion_tokens?: number;
}

export type ModelAnswer =
  | { content: string }
  | { toolCall: { name: string; arguments: string }; content?: string }
  | { status: number; error: string }
  /** Never answers (until the server closes). */
  | 'hang';

export interface FakeOpenAi {
  /** Base URL for the client, ending in /v1. */
  url: string;
  requests: { body: CompletionRequest; headers: IncomingHttpHeaders }[];
  behave(model: (request: CompletionRequest) => ModelAnswer): void;
  close(): Promise<void>;
}

export async function startFakeOpenAi(): Promise<FakeOpenAi> {
  const requests: FakeOpenAi['requests'] = [];
  let model: (request: CompletionRequest) => ModelAnswer = () => ({ content: 'ok' });
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'not found' } }));
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as CompletionRequest;
      requests.push({ body, headers: req.headers });
      const answer = model(body);
      if (answer === 'hang') return;
      if ('status' in answer) {
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: answer.error, type: 'server_error' } }));
        return;
      }
      const toolCall = 'toolCall' in answer ? answer.toolCall : null;
      const message = {
        role: 'assistant',
        content: toolCall ? (answer.content ?? null) : answer.content,
        ...(toolCall ? { tool_calls: [{ id: `call_${requests.length}`, type: 'function', function: toolCall }] } : {}),
      };
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          id: `chatcmpl-${requests.length}`,
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: body.model,
          choices: [{ index: 0, message, finish_reason: toolCall ? 'tool_calls' : 'stop' }],
          usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    behave: (fn) => {
      model = fn;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A tiny "model" that answers from the system prompt: it returns the knowledge line sharing the
 * most words with the question, so an answer proves the knowledge reached the model.
 */
export function answerFromKnowledge(request: CompletionRequest): ModelAnswer {
  const system = request.messages[0]?.content ?? '';
  const question = request.messages[request.messages.length - 1]?.content ?? '';
  const words = question.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 3);
  let best = { line: '', score: 0 };
  for (const line of system.split('\n')) {
    const lower = line.toLowerCase();
    const score = words.filter((w) => lower.includes(w)).length;
    if (score > best.score) best = { line: line.replace(/^[-#\s]+/, '').trim(), score };
  }
  return best.score > 0 ? { content: best.line } : { toolCall: { name: 'handoff_to_agent', arguments: '{"reason":"not in the knowledge"}' } };
}
