/** Counts the abort listeners a signal holds, through its add and remove calls from now on. */
export function abortListeners(signal: AbortSignal): () => number {
  const live = new Set<unknown>();
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = ((type: string, fn: EventListener, o?: AddEventListenerOptions) => {
    if (type === "abort") live.add(fn);
    add(type, fn, o);
  }) as typeof signal.addEventListener;
  signal.removeEventListener = ((type: string, fn: EventListener) => {
    if (type === "abort") live.delete(fn);
    remove(type, fn);
  }) as typeof signal.removeEventListener;
  return () => live.size;
}
