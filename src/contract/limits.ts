// Lengths and counts the widget and the server agree on: the server's schemas
// (./widget-api.ts) refuse what goes beyond them and the widget's forms stop at them. Plain
// constants with no imports, so the widget bundles only those it uses (no zod in the bundle).

/** Topic ids (the config file allows 40; a little room for what comes over the wire). */
export const TOPIC_ID_MAX = 64;
/** A BCP 47 language tag such as `pt-BR`. */
export const LANGUAGE_MAX = 35;
/** The visitor's name, in the pre-chat form, the offline form and `setUser`. */
export const NAME_MAX = 200;
export const EMAIL_MAX = 254;
export const TEL_MAX = 30;
/** A topic field's name and value, and how many fields one chat may carry. */
export const FIELD_NAME_MAX = 40;
export const FIELD_VALUE_MAX = 500;
export const FIELD_COUNT_MAX = 20;
/** The page the visitor was on (`location.href`). */
export const PAGE_MAX = 2000;
/** One visitor message, and the offline form's message. */
export const MESSAGE_MAX = 4000;
export const CLIENT_ID_MAX = 100;
export const CHAT_ID_MAX = 100;
/** The site's signature of the visitor's identity (`setUser({ signature })`). */
export const SIGNATURE_MAX = 512;
