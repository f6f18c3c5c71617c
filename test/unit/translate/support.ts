// A translator the tests script, and a logger whose lines the tests read.
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import type { Translator } from '../../../src/ports.js';

type Answer = { text: string; from: string } | Error | 'hang';

export class ScriptedTranslator implements Translator {
  calls: { text: string; to: string; from: string | undefined }[] = [];
  constructor(public answer: (text: string, to: string, from?: string) => Answer) {}

  async translate(text: string, to: string, from?: string): Promise<{ text: string; from: string }> {
    this.calls.push({ text, to, from });
    const answer = this.answer(text, to, from);
    if (answer === 'hang') return new Promise(() => {});
    if (answer instanceof Error) throw answer;
    return answer;
  }
}

export function capturingLog(): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { log: pino({ level: 'debug' }, stream), lines };
}
