import type { NamedSignal, Waiter } from "./named-signal.js";

/**
 * Builds a NamedSignal from a backend's subscribe and notify, remembering the waiters this
 * instance created so close() can release them all (the process can then exit).
 */
export function trackedSignal<W extends Waiter>(
  subscribe: (channel: string, forget: (w: W) => void) => W,
  notify: (channel: string) => number,
): NamedSignal {
  const live = new Set<W>();
  const forget = (w: W): void => void live.delete(w);
  return {
    subscribe(channel) {
      const w = subscribe(channel, forget);
      live.add(w);
      return w;
    },
    notify,
    close() {
      for (const w of [...live]) w.close();
    },
  };
}
