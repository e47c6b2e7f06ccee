/**
 * The byte-bounded LRU every cache is built on (src/byte-lru.ts), the in-process response cache
 * on top of it (src/live/memory-cache.ts), and the parse cache's keys and estimates
 * (src/plugins/use-parse-cache.ts) through a yoga server on a small schema.
 */
import { buildSchema, parse } from 'graphql';
import { createYoga, type Plugin } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { ByteLru, ENTRY_OVERHEAD_BYTES } from '../../src/byte-lru.js';
import { createMemoryResponseCache } from '../../src/live/memory-cache.js';
import {
  BYTES_PER_COMMENT,
  BYTES_PER_TOKEN,
  createParseCache,
  parseEntryBytes,
  useParseCache,
} from '../../src/plugins/use-parse-cache.js';

/** A cache of strings counted by their length, with keys of one character. */
const lru = (maxEntries: number, maxBytes: number, extra: Partial<ConstructorParameters<typeof ByteLru>[0]> = {}) =>
  new ByteLru<string>({ name: 't', maxEntries, maxBytes, sizeOf: (v) => v.length, ...extra });
const cost = (value: string) => ENTRY_OVERHEAD_BYTES + 1 + value.length;
const keys = (cache: ByteLru<string>, candidates: string) => [...candidates].filter((k) => cache.get(k) !== undefined);

describe('ByteLru', () => {
  it('evicts the least recently used once the bytes are over the bound, whatever the count', () => {
    const cache = lru(100, cost('x'.repeat(100)) * 3);
    for (const k of 'abc') cache.set(k, 'x'.repeat(100));
    expect(cache.bytes).toBe(cost('x'.repeat(100)) * 3);
    cache.set('d', 'x'.repeat(100));
    expect(cache.size).toBe(3);
    expect(keys(cache, 'abcd')).toEqual(['b', 'c', 'd']);
    // One large value pushes out as many as it needs.
    cache.set('e', 'x'.repeat(350));
    expect(keys(cache, 'abcde')).toEqual(['e']);
    expect(cache.bytes).toBeLessThanOrEqual(cache.maxBytes);
  });

  it('evicts by count when the bytes are far from their bound', () => {
    const cache = lru(2, 1_000_000);
    cache.set('a', '1');
    cache.set('b', '2');
    cache.set('c', '3');
    expect(keys(cache, 'abc')).toEqual(['b', 'c']);
    expect(cache.bytes).toBe(cost('2') + cost('3'));
  });

  it('a read makes an entry the most recently used, so another goes first', () => {
    const cache = lru(2, 1_000_000);
    cache.set('a', '1');
    cache.set('b', '2');
    expect(cache.get('a')).toBe('1');
    cache.set('c', '3');
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe('1');
    expect(cache.get('c')).toBe('3');
  });

  it('replacing a value counts its new size once, and removals tell onRemove', () => {
    const removed: string[] = [];
    const cache = lru(10, 1_000_000, { onRemove: (k: string) => removed.push(k) });
    cache.set('a', 'x');
    cache.set('a', 'xxxxx');
    expect(cache.size).toBe(1);
    expect(cache.bytes).toBe(cost('xxxxx'));
    expect(cache.delete('a')).toBe(true);
    expect(cache.delete('a')).toBe(false);
    expect(cache.bytes).toBe(0);
    expect(removed).toEqual(['a', 'a']);
  });

  it('refuses an entry larger than maxEntryBytes, dropping an older value under its key', () => {
    const cache = lru(10, 1_000, { maxEntryBytes: cost('x'.repeat(50)) });
    cache.set('a', 'small');
    expect(cache.set('b', 'x'.repeat(50))).toBe(true);
    expect(cache.set('a', 'x'.repeat(51))).toBe(false);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.bytes).toBe(cost('x'.repeat(50)));
  });

  it('forgets an entry past its TTL and gives back its bytes', () => {
    let now = 1_000;
    const cache = lru(10, 1_000_000, { now: () => now });
    cache.set('a', 'x', 50);
    cache.set('b', 'y');
    now += 49;
    expect(cache.get('a')).toBe('x');
    now += 1;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.bytes).toBe(cost('y'));
    expect(cache.set('c', 'z', 0)).toBe(false);
  });
});

describe('in-process response cache', () => {
  const result = (n: number) => ({ data: { text: 'x'.repeat(n) } });

  it('stays under its bytes, and an evicted response leaves the entity index', () => {
    const cache = createMemoryResponseCache({ maxEntries: 1_000, maxBytes: 10_000 });
    for (let i = 0; i < 50; i++) cache.set(`r${i}`, result(500), [{ typename: 'Company', id: `c${i}` }], 60_000);
    expect(cache.lru.bytes).toBeLessThanOrEqual(10_000);
    expect(cache.lru.size).toBeLessThan(50);
    expect(cache.get('r0')).toBeNull();
    expect(cache.get('r49')).toEqual(result(500));
    // Invalidating a type drops what is left; the evicted ones are gone from the index already.
    cache.invalidate([{ typename: 'Company' }]);
    expect(cache.lru.size).toBe(0);
    expect(cache.lru.bytes).toBe(0);
  });

  it('invalidates by entity id, and does not store one response over a tenth of the bound', () => {
    const cache = createMemoryResponseCache({ maxEntries: 1_000, maxBytes: 10_000 });
    cache.set('a', result(10), [{ typename: 'Company', id: 'c1' }], 60_000);
    cache.set('b', result(10), [{ typename: 'Company', id: 'c2' }], 60_000);
    cache.invalidate([{ typename: 'Company', id: 'c1' }]);
    expect(cache.get('a')).toBeNull();
    expect(cache.get('b')).toEqual(result(10));
    cache.set('big', result(1_500), [], 60_000);
    expect(cache.get('big')).toBeNull();
    expect(cache.get('b')).toEqual(result(10));
  });
});

describe('parse cache', () => {
  const schema = buildSchema('type Query { hello(name: String): String }');

  it('counts the text and every token of a document', () => {
    const text = '# a comment\n{ hello(name: "x") }';
    const document = parse(text);
    // Tokens: <SOF> { hello ( name : "x" ) } <EOF>, and one comment.
    expect(parseEntryBytes({ textBytes: text.length, document })).toBe(
      text.length + 10 * BYTES_PER_TOKEN + BYTES_PER_COMMENT,
    );
  });

  it('keys documents by their SHA-256, reuses a document and its validation, and stays under its bytes', async () => {
    const cache = createParseCache({ maxEntries: 1_000, maxBytes: 40_000 });
    let validations = 0;
    const countValidations: Plugin = {
      onValidate({ validateFn, setValidationFn }) {
        setValidationFn((...args) => {
          validations++;
          return validateFn(...args);
        });
      },
    };
    const yoga = createYoga({
      schema,
      parserAndValidationCache: false,
      plugins: [useParseCache(cache), countValidations],
    });
    const send = async (query: string) => {
      const res = await yoga.fetch('http://t/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query }),
      });
      return (await res.json()) as { errors?: Array<{ message: string }> };
    };
    await send('{ hello }');
    await send('{ hello }');
    expect(cache.size).toBe(1);
    // Validated once: the second request found the result in the entry.
    expect(validations).toBe(1);
    const invalid = await send('{ nope }');
    expect(invalid.errors?.[0]?.message).toMatch(/Cannot query field "nope"/);
    expect((await send('{ nope }')).errors?.[0]?.message).toBe(invalid.errors?.[0]?.message);
    const syntax = await send('{ hello');
    expect((await send('{ hello')).errors?.[0]?.message).toBe(syntax.errors?.[0]?.message);
    expect(cache.size).toBe(3);
    // Many distinct large documents: the oldest go, the bytes stay under the bound.
    for (let i = 0; i < 50; i++) await send(`# ${'x'.repeat(5_000)}\n{ a${i}: hello }`);
    expect(cache.bytes).toBeLessThanOrEqual(40_000);
    expect(cache.size).toBeLessThan(50);
  });
});
