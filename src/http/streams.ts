// Long-lived requests (SSE streams, long-polls) register here so a graceful shutdown can end
// them: otherwise the server would wait for streams that never finish on their own.

export type CloseStream = () => void;

export class StreamRegistry {
  private readonly open = new Set<CloseStream>();
  private closing = false;

  /** Registers a stream; returns the function to call when it ends by itself. */
  add(close: CloseStream): () => void {
    if (this.closing) {
      close();
      return () => {};
    }
    this.open.add(close);
    return () => {
      this.open.delete(close);
    };
  }

  get size(): number {
    return this.open.size;
  }

  get isClosing(): boolean {
    return this.closing;
  }

  /** Ends every open stream; streams added afterwards are ended at once. */
  closeAll(): number {
    this.closing = true;
    const all = [...this.open];
    this.open.clear();
    for (const close of all) {
      try {
        close();
      } catch {
        // A stream whose socket is already gone: nothing left to end.
      }
    }
    return all.length;
  }
}

/**
 * One read for every stream of a chat: a notice reaches all of a chat's streams in the same
 * tick, so the reads they ask for in that tick (same chat, same position) become one query whose
 * answer they share. A read asked later starts a new query, so nothing stored meanwhile is missed.
 */
export function sharedReads<T>(read: (chatId: string, after: number) => Promise<T>): (chatId: string, after: number) => Promise<T> {
  const batches = new Map<string, Promise<T>>();
  return (chatId, after) => {
    const key = `${after}:${chatId}`;
    let batch = batches.get(key);
    if (!batch) {
      batch = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        batches.delete(key);
        return read(chatId, after);
      });
      batches.set(key, batch);
    }
    return batch;
  };
}
