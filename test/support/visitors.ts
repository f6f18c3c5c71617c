import type { VisitorInfo } from '../../src/domain/types.js';

/** A visitor about whom nothing is known (no form, no request details). */
export const UNKNOWN_VISITOR: VisitorInfo = Object.freeze({
  name: null, email: null, fields: {}, ip: null, userAgent: null, page: null, geo: null,
}) as VisitorInfo;
