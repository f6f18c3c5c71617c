// Errors the HTTP layer turns into JSON answers, all in one shape (the contract's ErrorBody):
// `{ error: code, message, ...details }`. Bad input is 400 everywhere (zod's ZodError, a body
// that is not JSON, a service's `invalid_fields`); routes throw HttpError for the rest.
// Anything else is a bug: logged, answered 500 without details.
import type { ErrorRequestHandler } from 'express';
import { ZodError } from 'zod';
import type { ErrorBody } from '../contract/widget-api.js';
import type { Logger } from '../logger.js';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    /** Machine-readable code, e.g. `not_found`, `chat_closed`. */
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** Lists zod issues as `path: message` lines (the path joined with dots). */
export function describeZodError(error: ZodError): { path: string; message: string }[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
}

/** The 400 answer to a body or query zod refused: the form fields it blames by their own name. */
export function invalidRequestBody(error: ZodError): ErrorBody {
  const issues = describeZodError(error);
  const fields = error.issues.map((issue) => issue.path.at(-1)).filter((key) => key !== undefined).map(String);
  return {
    error: 'invalid_request',
    message: issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; '),
    fields: [...new Set(fields)],
    issues,
  };
}

interface BodyParserError extends Error {
  type?: string;
  status?: number;
  limit?: number;
}

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      // The answer is already on its way (a stream): all we can do is cut it.
      next(error);
      return;
    }
    if (error instanceof HttpError) {
      res.status(error.status).json({ error: error.code, message: error.message, ...error.details });
      return;
    }
    if (error instanceof ZodError) {
      res.status(400).json(invalidRequestBody(error));
      return;
    }
    const parser = error as BodyParserError;
    if (parser?.type === 'entity.too.large') {
      res.status(413).json({ error: 'payload_too_large', message: `the body exceeds ${parser.limit} bytes` });
      return;
    }
    if (parser?.type === 'entity.parse.failed') {
      res.status(400).json({ error: 'invalid_json', message: 'the body is not valid JSON' });
      return;
    }
    if (error instanceof URIError) {
      // The router could not percent-decode a path parameter (e.g. `/chats/%E0%A4%A`).
      res.status(400).json({ error: 'invalid_url', message: 'the URL is not validly percent-encoded' });
      return;
    }
    if (typeof parser?.status === 'number' && parser.status >= 400 && parser.status < 500) {
      // Other body-parser refusals: encoding, charset, aborted request, a body that does not
      // inflate (Content-Encoding: gzip over garbage comes without a type).
      const code = parser.type ? parser.type.replace(/\W+/g, '_') : 'invalid_body';
      const message = parser.type ? parser.message : `the body could not be read: ${parser.message}`;
      res.status(parser.status).json({ error: code, message });
      return;
    }
    (req.log ?? log).error({ err: error }, 'unhandled error');
    res.status(500).json({ error: 'internal_error', message: 'Something went wrong on our side.' });
  };
}
