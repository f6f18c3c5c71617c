// Webex's error body: `{ message, errors: [{ description }], trackingId }` plus a `trackingid` header.
import { randomUUID } from 'node:crypto';

export class WebexApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'WebexApiError';
  }
}

export const notFound = (what: string): WebexApiError =>
  new WebexApiError(404, `Could not find ${what} with provided ID.`);
export const badRequest = (message: string): WebexApiError => new WebexApiError(400, message);
export const forbidden = (message: string): WebexApiError => new WebexApiError(403, message);

export function newTrackingId(): string {
  return `SANDBOX_${randomUUID()}`;
}

export function errorBody(message: string, trackingId: string): {
  message: string;
  errors: { description: string }[];
  trackingId: string;
} {
  return { message, errors: [{ description: message }], trackingId };
}
