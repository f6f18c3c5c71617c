// The running chat survives reloads and navigation within the tab: its id and token live in
// sessionStorage (per tab, gone when the tab closes), never in cookies or localStorage.

export interface SavedChat {
  id: string;
  token: string;
  topic: string;
  language: string;
  /** The name and e-mail the visitor gave (pre-chat form or the site): the offline form's, if they give up waiting. */
  name?: string;
  email?: string;
}

const KEY = 'livechat.chat';

function storage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null; // storage blocked (privacy settings): the chat just won't survive a reload
  }
}

export function loadChat(): SavedChat | null {
  const raw = storage()?.getItem(KEY);
  if (!raw) return null;
  try {
    const v = JSON.parse(raw) as Partial<SavedChat>;
    if (typeof v.id === 'string' && typeof v.token === 'string' && typeof v.topic === 'string') {
      return {
        id: v.id,
        token: v.token,
        topic: v.topic,
        language: typeof v.language === 'string' ? v.language : 'en',
        ...(typeof v.name === 'string' ? { name: v.name } : {}),
        ...(typeof v.email === 'string' ? { email: v.email } : {}),
      };
    }
  } catch {
    /* corrupt entry: start over */
  }
  storage()?.removeItem(KEY);
  return null;
}

export function saveChat(chat: SavedChat): void {
  try {
    storage()?.setItem(KEY, JSON.stringify(chat));
  } catch {
    /* quota or blocked */
  }
}

export function forgetChat(): void {
  storage()?.removeItem(KEY);
}

const LANG_KEY = 'livechat.lang';
export function savedLanguage(): string | null {
  return storage()?.getItem(LANG_KEY) ?? null;
}
export function saveLanguage(lng: string): void {
  try {
    storage()?.setItem(LANG_KEY, lng);
  } catch {
    /* ignore */
  }
}
