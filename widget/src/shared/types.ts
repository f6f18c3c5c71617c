// The widget API as the widget sees it (issue 4, "The widget API"), plus the loader ↔ UI
// handshake. Types only: both builds import them and nothing of it reaches the bundles.

export type Sender = 'visitor' | 'agent' | 'bot' | 'system';
export type ChatState = 'bot' | 'queued' | 'active' | 'closed';

export interface FieldSpec {
  name: string;
  type: 'text' | 'email' | 'tel';
  required: boolean;
  /** The server may send the label already localized or as a map by language. */
  label?: string | Record<string, string>;
}

export interface TopicInfo {
  id: string;
  name: string;
  mode: string;
  open: boolean;
  nextOpening: string | null;
  fields: FieldSpec[];
}

export interface WidgetConfig {
  topics: TopicInfo[];
  languages: string[];
  theme?: { color?: string; title?: string } & Record<string, unknown>;
}

export interface ServerMessage {
  seq: number;
  from: Sender;
  text: string;
  at: string;
  /** The agent's display name ("Support" or a first name), never an e-mail. */
  name?: string | null;
  clientId?: string | null;
  data?: Record<string, unknown> | null;
}

export interface StartedChat {
  id: string;
  token: string;
  state: ChatState;
  messages: ServerMessage[];
}

export interface VisitorUser {
  name?: string;
  email?: string;
  signature?: string;
}

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
}

export interface UiHandle {
  open(): void;
  close(): void;
  setUser(user: VisitorUser): void;
}

export type MountFn = (ctx: MountContext) => Promise<UiHandle>;
