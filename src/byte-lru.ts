/**
 * The one shape of every cache the server keeps: keys are hashes (never a client's raw text), and
 * entries are bounded both by count and by bytes, least recently used first out. Bytes are an
 * estimate each cache gives for its values (see its `sizeOf`) plus the key and a fixed overhead
 * per entry; what the estimate counts is written beside each cache.
 */
import { createHash } from 'node:crypto';

/** The key of a text: its SHA-256, hex. */
export const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

/** Bytes one entry costs besides its key and value: the Map entry and its record. */
export const ENTRY_OVERHEAD_BYTES = 100;

export interface ByteLruOptions<V> {
  /** Named on /metrics (`stargraph_cache_bytes{cache="<name>"}`). */
  name: string;
  maxEntries: number;
  maxBytes: number;
  /** Largest single entry it takes; a larger one is not stored. Defaults to `maxBytes`. */
  maxEntryBytes?: number;
  /** Estimated bytes a value holds. */
  sizeOf: (value: V) => number;
  /** Told of each entry that leaves: evicted, expired, replaced, deleted or cleared. */
  onRemove?: (key: string, value: V) => void;
  /** The clock expiries are read from (tests give their own). */
  now?: () => number;
}

interface Entry<V> {
  value: V;
  bytes: number;
  expiresAt: number;
}

export class ByteLru<V> {
  readonly name: string;
  readonly maxEntries: number;
  readonly maxBytes: number;
  readonly maxEntryBytes: number;
  /** In recency order: the first is the least recently used (a Map keeps insertion order). */
  private readonly entries = new Map<string, Entry<V>>();
  private total = 0;

  constructor(private readonly options: ByteLruOptions<V>) {
    if (!(options.maxEntries > 0) || !(options.maxBytes > 0)) {
      throw new RangeError(`cache ${options.name}: maxEntries and maxBytes must be positive`);
    }
    this.name = options.name;
    this.maxEntries = options.maxEntries;
    this.maxBytes = options.maxBytes;
    this.maxEntryBytes = Math.min(options.maxEntryBytes ?? options.maxBytes, options.maxBytes);
  }

  /** Entries held (expired ones included until they are read or pushed out). */
  get size(): number {
    return this.entries.size;
  }

  /** Estimated bytes held. */
  get bytes(): number {
    return this.total;
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  /** The value, made the most recently used; undefined when absent or expired. */
  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.remove(key, entry);
      return undefined;
    }
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  /** The bytes an entry for `key` and `value` counts for. */
  entryBytes(key: string, value: V): number {
    return ENTRY_OVERHEAD_BYTES + key.length + this.options.sizeOf(value);
  }

  /**
   * Stores the value as the most recently used (replacing any under the key), then evicts the
   * least recently used until both bounds hold. False, and nothing stored (an older value under
   * the key is dropped too), when the entry alone is over `maxEntryBytes`.
   */
  set(key: string, value: V, ttlMs = Number.POSITIVE_INFINITY): boolean {
    const old = this.entries.get(key);
    if (old) this.remove(key, old);
    const bytes = this.entryBytes(key, value);
    if (bytes > this.maxEntryBytes || !(ttlMs > 0)) return false;
    this.entries.set(key, { value, bytes, expiresAt: this.now() + ttlMs });
    this.total += bytes;
    while (this.entries.size > this.maxEntries || this.total > this.maxBytes) {
      const [oldestKey, oldest] = this.entries.entries().next().value!;
      this.remove(oldestKey, oldest);
    }
    return true;
  }

  delete(key: string): boolean {
    const entry = this.entries.get(key);
    if (entry) this.remove(key, entry);
    return entry !== undefined;
  }

  clear(): void {
    for (const [key, entry] of [...this.entries]) this.remove(key, entry);
  }

  private remove(key: string, entry: Entry<V>): void {
    this.entries.delete(key);
    this.total -= entry.bytes;
    this.options.onRemove?.(key, entry.value);
  }
}

/** What /metrics reads of a cache. */
export interface CacheGauge {
  readonly name: string;
  readonly size: number;
  readonly bytes: number;
  readonly maxEntries: number;
  readonly maxBytes: number;
}

/** The caches one server keeps, for /metrics. */
export class CacheSet {
  private readonly caches: CacheGauge[] = [];

  add<C extends CacheGauge>(cache: C): C {
    if (!this.caches.includes(cache)) this.caches.push(cache);
    return cache;
  }

  list(): readonly CacheGauge[] {
    return this.caches;
  }
}

/** UTF-8 bytes of a string. */
export const utf8Bytes = (text: string) => Buffer.byteLength(text, 'utf8');
