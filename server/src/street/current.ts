// The street a running server serves, and the locator over its grids: one holder, replaced whole
// when the street's map changes on disk (server/src/street/plugin.ts). `ctx.street` and
// `ctx.locator` read through it, so code that asks them per request sees the new map at once.
import { createLocator, type Locator } from './locate.ts';
import type { LoadedStreet } from './load.ts';

export interface CurrentStreet {
  /** The street as loaded last (its `version` names the map). */
  readonly street: LoadedStreet;
  /** The locator over `street` (built once per map, with the server's service area). */
  readonly locator: Locator;
  /**
   * Puts a newly loaded street in place with a locator built over it; listeners are told
   * afterwards, synchronously, in registration order (the street's id must not change).
   * Throws when `next` is another street.
   */
  replace(next: LoadedStreet): void;
  /** Called after each replace with the new and the previous street; returns an unsubscribe. */
  onReplace(listener: (next: LoadedStreet, previous: LoadedStreet) => void): () => void;
}

export function createCurrentStreet(street: LoadedStreet, options: { serviceAreaM?: number } = {}): CurrentStreet {
  let current = street;
  let locator = createLocator(street, options);
  const listeners = new Set<(next: LoadedStreet, previous: LoadedStreet) => void>();
  return {
    get street() {
      return current;
    },
    get locator() {
      return locator;
    },
    replace(next) {
      if (next.meta.id !== current.meta.id) throw new Error(`the street served is ${current.meta.id}; it cannot be replaced by ${next.meta.id}`);
      const previous = current;
      // The locator first: a placement between the two lines never sees a street without its locator.
      const nextLocator = createLocator(next, options);
      current = next;
      locator = nextLocator;
      for (const listener of listeners) listener(next, previous);
    },
    onReplace(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}
