// The loader ↔ UI handshake. Wire shapes are not spelled here: they come from the contract
// (src/contract/widget-api.ts), as types only, so nothing of it reaches the bundles.
import type { VisitorUser } from './user.js';

export type {
  ChatState,
  ConfigResponse as WidgetConfig,
  FieldSpec,
  Sender,
  TopicInfo,
  WireBlock,
  WireMessage as ServerMessage,
} from '../../../src/contract/widget-api.js';
export type { VisitorUser } from './user.js';

/** Options read from the script tag's data- attributes. */
export interface EmbedOptions {
  topic?: string;
  language?: string;
  position: 'right' | 'left';
  color?: string;
  title?: string;
}

export type WidgetEvent = 'ready' | 'open' | 'close' | 'chat:started' | 'chat:ended' | 'message';

/** What the loader hands to the lazily loaded UI. */
export interface MountContext {
  shadow: ShadowRoot;
  /** Where the panel goes (inside the shadow root). */
  container: HTMLElement;
  apiBase: string;
  options: EmbedOptions;
  user: VisitorUser;
  emit(event: WidgetEvent, payload?: unknown): void;
  /** The UI asks the loader to close the panel (Escape, close button). */
  requestClose(): void;
  /** The panel's language (at mount and when the visitor switches): the bubble follows it. */
  languageChanged?(lng: string): void;
}

export interface UiHandle {
  open(): void;
  close(): void;
  setUser(user: VisitorUser): void;
}

export type MountFn = (ctx: MountContext) => Promise<UiHandle>;
