/**
 * Deterministic randomness for the demo district: a small, fast PRNG (sfc32) seeded from a
 * string key, and UUIDs derived from a key. The same seed and key give the same values on
 * every machine, so the demo is reproducible and can be generated in independent pieces
 * (one family at a time) without keeping earlier pieces in memory.
 */

/** A 32-bit hash (MurmurHash3's mixing) of a string with a seed. */
export function hash32(key: string, seed = 0): number {
  let h = seed >>> 0;
  for (let i = 0; i < key.length; i += 1) {
    let k = key.charCodeAt(i);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= key.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const hex = (n: number) => n.toString(16).padStart(8, '0');

/** A version-4-shaped UUID derived from a key: stable across runs, distinct across keys. */
export function uuidFor(key: string): string {
  const a = hex(hash32(key, 0x9e3779b9));
  const b = hex(hash32(key, 0x7f4a7c15));
  const c = hex(hash32(key, 0x94d049bb));
  const d = hex(hash32(key, 0xbf58476d));
  const variant = ((Number.parseInt(c[0] as string, 16) & 0x3) | 0x8).toString(16);
  return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${variant}${c.slice(1, 4)}-${c.slice(4)}${d}`;
}

/** A seeded pseudo-random source with the helpers the generator needs. */
export class Random {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(key: string) {
    this.#a = hash32(key, 1);
    this.#b = hash32(key, 2);
    this.#c = hash32(key, 3);
    this.#d = hash32(key, 4);
    for (let i = 0; i < 12; i += 1) this.next();
  }

  /** A float in [0, 1). */
  next(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** A float in [min, max). */
  between(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Picks a key by weight. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
    const entries = Object.entries(weights) as [K, number][];
    const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
    let roll = this.next() * total;
    for (const [key, weight] of entries) {
      roll -= weight;
      if (roll < 0) return key;
    }
    return (entries[entries.length - 1] as [K, number])[0];
  }
}
