/**
 * Configuration (src/config.ts) variable by variable: the defaults the README's table gives,
 * each accepted spelling, and the exact message for each refused value.
 */
import { describe, expect, it } from 'vitest';
import { startupWarnings } from '../../src/cli/serve.js';
import { ConfigError, parseConfig } from '../../src/config.js';

/** The problems a bad environment is refused with (fails the test if it is accepted). */
function refused(env: Record<string, string | undefined>): string[] {
  try {
    parseConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
}

describe('defaults (the README configuration table)', () => {
  it('an empty environment gives every documented default', () => {
    expect(parseConfig({})).toEqual({
      env: 'development',
      production: false,
      productionForHost: false,
      port: 4000,
      host: '127.0.0.1',
      neo4j: {
        uri: undefined,
        user: 'neo4j',
        password: '',
        database: 'neo4j',
        dataDir: '.data/neo4j',
        heap: '1g',
        pageCache: '512m',
        restartPolicy: { maxRestarts: 5, windowMs: 600_000, backoffMs: [500, 2_000, 5_000, 15_000, 30_000] },
      },
      cors: { origins: '*' },
      trustProxy: false,
      publicUrl: undefined,
      maxInFlight: 200,
      maxRequestBodyBytes: 25_000_000,
      live: {
        redisUrl: undefined,
        responseCacheMax: 5000,
        responseCacheMaxBytes: 50_000_000,
        responseCacheTtlMs: 30_000,
        subscriptionQueueMax: 100,
        maxSubscriptions: 1000,
        maxSubscriptionsPerToken: 20,
      },
      parseCache: { maxEntries: 1000, maxBytes: 50_000_000 },
      rateLimit: { points: undefined, windowMs: 3_600_000, mode: 'enforce', redisUrl: undefined },
      changeLog: { retentionDays: 7 },
      webhooks: { urls: [], secret: '', maxAttempts: 8, backoffMs: 1_000, pollMs: 1_000 },
      persistedOperations: { file: 'schema/persisted-operations.json', mode: 'off', apqMaxBytes: 10_000_000 },
      logLevel: 'info',
      debugExtensions: false,
      // The header is honoured by default only in development, which `{}` is.
      debugExtensionsHeader: true,
      auth: { apiKeys: [], requireAuthForReads: false, jwt: undefined },
      limits: {
        maxDepth: 16,
        maxAliases: 30,
        maxTokens: 2000,
        maxDocumentBytes: 100_000,
        maxComplexity: 25_000,
        maxPageSize: 100,
        maxListItems: 1_000,
        maxHops: 8,
        maxNeighborhoodDepth: 3,
        maxNeighborhoodLimit: 1000,
        maxPaths: 50,
        maxFilterDepth: 8,
        maxFilterConditions: 50,
        queryTimeoutMs: 10_000,
        traversalTimeoutMs: 5_000,
        algorithmTimeoutMs: 5_000,
      },
      seedOnEmpty: true,
      tracing: { tracesUrl: undefined, serviceName: 'stargraph' },
      readPlanner: true,
      federation: false,
      graphqlJit: true,
    });
  });

  it('refuses webhooks without a secret, and a URL that is not http(s)', () => {
    expect(() => parseConfig({ WEBHOOK_URLS: 'https://a.example.org/hook' })).toThrow(/WEBHOOK_SECRET/);
    expect(() => parseConfig({ WEBHOOK_URLS: 'ftp://a.example.org', WEBHOOK_SECRET: 'x'.repeat(16) })).toThrow(
      /WEBHOOK_URLS/,
    );
    expect(() => parseConfig({ CHANGE_LOG_RETENTION_DAYS: '0' })).toThrow(/CHANGE_LOG_RETENTION_DAYS/);
  });

  it('an empty or undefined variable means unset, as in `FOO= cmd`', () => {
    const c = parseConfig({ PORT: '', LOG_LEVEL: undefined, NEO4J_PASSWORD: '', SEED_ON_EMPTY: '' });
    expect(c.port).toBe(4000);
    expect(c.logLevel).toBe('info');
    expect(c.neo4j.password).toBe('');
    expect(c.seedOnEmpty).toBe(true);
  });

  it('every variable reaches its place in the config', () => {
    const c = parseConfig({
      NODE_ENV: 'production',
      PORT: '8080',
      HOST: '0.0.0.0',
      NEO4J_URI: 'neo4j+s://db.example.org',
      NEO4J_USER: 'reader',
      NEO4J_PASSWORD: 'pw',
      NEO4J_DATABASE: 'graph',
      NEO4J_DATA_DIR: '/var/lib/sg',
      NEO4J_HEAP: '2g',
      NEO4J_PAGECACHE: '256M',
      LOG_LEVEL: 'warn',
      DEBUG_EXTENSIONS: 'true',
      DEBUG_EXTENSIONS_HEADER: '1',
      REQUIRE_AUTH_FOR_READS: 'yes',
      SEED_ON_EMPTY: 'no',
      READ_PLANNER: 'false',
      GRAPHQL_JIT: 'false',
      FEDERATION: 'true',
      TRUST_PROXY: 'true',
      PUBLIC_URL: 'https://graph.example.org/',
      MAX_DEPTH: '1',
      MAX_ALIASES: '2',
      MAX_TOKENS: '3',
      MAX_DOCUMENT_BYTES: '13',
      MAX_COMPLEXITY: '4',
      MAX_PAGE_SIZE: '5',
      MAX_LIST_ITEMS: '14',
      MAX_HOPS: '6',
      MAX_NEIGHBORHOOD_DEPTH: '7',
      MAX_NEIGHBORHOOD_LIMIT: '8',
      MAX_PATHS: '9',
      MAX_FILTER_DEPTH: '3',
      MAX_FILTER_CONDITIONS: '12',
      QUERY_TIMEOUT_MS: '10',
      TRAVERSAL_TIMEOUT_MS: '11',
      ALGORITHM_TIMEOUT_MS: '17',
      MAX_SUBSCRIPTIONS: '15',
      MAX_SUBSCRIPTIONS_PER_TOKEN: '16',
      CHANGE_LOG_RETENTION_DAYS: '18',
      WEBHOOK_URLS: 'https://a.example.org/hook, http://b.example.org/x,https://a.example.org/hook',
      WEBHOOK_SECRET: 'a-webhook-secret-of-length',
      WEBHOOK_MAX_ATTEMPTS: '19',
      WEBHOOK_BACKOFF_MS: '20',
      WEBHOOK_POLL_MS: '21',
    });
    expect(c).toMatchObject({
      changeLog: { retentionDays: 18 },
      webhooks: {
        urls: ['https://a.example.org/hook', 'http://b.example.org/x'],
        secret: 'a-webhook-secret-of-length',
        maxAttempts: 19,
        backoffMs: 20,
        pollMs: 21,
      },
      env: 'production',
      production: true,
      port: 8080,
      host: '0.0.0.0',
      neo4j: {
        uri: 'neo4j+s://db.example.org',
        user: 'reader',
        password: 'pw',
        database: 'graph',
        dataDir: '/var/lib/sg',
        heap: '2g',
        pageCache: '256M',
      },
      logLevel: 'warn',
      debugExtensions: true,
      debugExtensionsHeader: true,
      auth: { requireAuthForReads: true },
      seedOnEmpty: false,
      readPlanner: false,
      graphqlJit: false,
      federation: true,
      live: { maxSubscriptions: 15, maxSubscriptionsPerToken: 16 },
      trustProxy: true,
      publicUrl: 'https://graph.example.org',
    });
    expect(c.limits).toEqual({
      maxDepth: 1,
      maxAliases: 2,
      maxTokens: 3,
      maxDocumentBytes: 13,
      maxComplexity: 4,
      maxPageSize: 5,
      maxListItems: 14,
      maxHops: 6,
      maxNeighborhoodDepth: 7,
      maxNeighborhoodLimit: 8,
      maxPaths: 9,
      maxFilterDepth: 3,
      maxFilterConditions: 12,
      queryTimeoutMs: 10,
      traversalTimeoutMs: 11,
      algorithmTimeoutMs: 17,
    });
  });
});

describe('NODE_ENV', () => {
  it.each([
    ['production', true],
    ['development', false],
    ['test', false],
  ])('%s: production is %s', (NODE_ENV, production) => {
    expect(parseConfig({ NODE_ENV })).toMatchObject({ env: NODE_ENV, production });
  });

  it.each([
    ['development', undefined, true],
    ['production', undefined, false],
    ['test', undefined, false],
    ['development', 'false', false],
    ['production', 'true', true],
  ])(
    '%s with DEBUG_EXTENSIONS_HEADER=%s: the header is honoured: %s',
    (NODE_ENV, DEBUG_EXTENSIONS_HEADER, honoured) => {
      expect(parseConfig({ NODE_ENV, DEBUG_EXTENSIONS_HEADER }).debugExtensionsHeader).toBe(honoured);
    },
  );

  it('refuses anything else', () => {
    expect(refused({ NODE_ENV: 'staging' })).toHaveLength(1);
    expect(refused({ NODE_ENV: 'staging' })[0]).toMatch(/^NODE_ENV: /);
  });
});

describe('boolean flags', () => {
  it.each([
    ['true', true],
    ['TRUE', true],
    [' True ', true],
    ['1', true],
    ['yes', true],
    ['YES', true],
    ['false', false],
    ['False', false],
    ['0', false],
    ['no', false],
  ])('%j is %s', (value, expected) => {
    expect(parseConfig({ DEBUG_EXTENSIONS: value }).debugExtensions).toBe(expected);
    expect(parseConfig({ SEED_ON_EMPTY: value }).seedOnEmpty).toBe(expected);
  });

  it.each(['maybe', 'on', 'y', '2'])('refuses %j rather than guess', (value) => {
    expect(refused({ REQUIRE_AUTH_FOR_READS: value })).toEqual(['REQUIRE_AUTH_FOR_READS: expected true or false']);
  });
});

describe('whole positive numbers', () => {
  it('coerces digits and refuses fractions, zero and negatives with a message each', () => {
    expect(parseConfig({ MAX_DEPTH: '7' }).limits.maxDepth).toBe(7);
    expect(refused({ MAX_DEPTH: '1.5' })).toEqual(['MAX_DEPTH: expected a whole number']);
    expect(refused({ MAX_DEPTH: '0' })).toEqual(['MAX_DEPTH: expected a positive number']);
    expect(refused({ QUERY_TIMEOUT_MS: '-3' })).toEqual(['QUERY_TIMEOUT_MS: expected a positive number']);
  });

  it('PORT may be 0 (any free port) up to 65535', () => {
    expect(parseConfig({ PORT: '0' }).port).toBe(0);
    expect(parseConfig({ PORT: '65535' }).port).toBe(65535);
    expect(refused({ PORT: '65536' })).toHaveLength(1);
    expect(refused({ PORT: '-1' })).toHaveLength(1);
  });
});

describe('API_KEYS', () => {
  it.each([
    ['a:b:read', [{ secret: 'a:b', scopes: ['read'] }]],
    ['k3y:read++write', [{ secret: 'k3y', scopes: ['read', 'write'] }]],
    [' , k3y:read ,, ', [{ secret: 'k3y', scopes: ['read'] }]],
    ['k3y:read+debug', [{ secret: 'k3y', scopes: ['read', 'debug'] }]],
    // A trailing number is the key's own rate-limit budget.
    ['k3y:read+write:5000', [{ secret: 'k3y', scopes: ['read', 'write'], points: 5000 }]],
    ['a:b:read:7', [{ secret: 'a:b', scopes: ['read'], points: 7 }]],
  ])('%j parses (the last colon splits; empty parts are ignored)', (API_KEYS, keys) => {
    expect(parseConfig({ API_KEYS }).auth.apiKeys).toEqual(keys);
  });

  it.each(['nocolon', ':read', 'k3y:', 'k3y:+', 'k3y:read+admin', 'ok:read,bad', 'k3y:500', 'k3y:read:0', 'k3y::5'])(
    'refuses %j',
    (API_KEYS) => {
      const [problem, ...more] = refused({ API_KEYS });
      expect(more).toEqual([]);
      expect(problem).toMatch(/^API_KEYS: entries must look like secret:read\+write \(bad entry ending "/);
    },
  );

  it('in production refuses a secret shorter than 16 characters, naming none', () => {
    const keys = 'fifteen-chars-1:read,a-long-enough-secret:write';
    expect(refused({ NODE_ENV: 'production', API_KEYS: keys })).toEqual([
      'API_KEYS: in production every secret needs at least 16 characters (1 is shorter)',
    ]);
    expect(refused({ HOST: '0.0.0.0', API_KEYS: keys })).toHaveLength(1);
    const sixteen = 'sixteen-chars-01:read';
    expect(parseConfig({ NODE_ENV: 'production', API_KEYS: sixteen }).auth.apiKeys).toHaveLength(1);
    // Development keeps short keys for trying things out on a laptop.
    expect(parseConfig({ API_KEYS: keys }).auth.apiKeys).toHaveLength(2);
  });

  it('names a bad entry by its last four characters only', () => {
    expect(refused({ API_KEYS: 'super-secret-value:admin' })).toEqual([
      'API_KEYS: entries must look like secret:read+write (bad entry ending "dmin"; a budget of cost points goes last: secret:read:5000)',
    ]);
  });
});

describe('NODE_ENV and HOST', () => {
  it.each(['0.0.0.0', '::', '10.0.0.5', 'api.example.org'])(
    'runs in production when HOST is %j and NODE_ENV is unset',
    (HOST) => {
      expect(parseConfig({ HOST })).toMatchObject({ production: true, productionForHost: true, env: 'production' });
    },
  );

  it.each(['127.0.0.1', '127.0.0.2', 'localhost', '::1'])('stays in development on loopback %j', (HOST) => {
    expect(parseConfig({ HOST })).toMatchObject({ production: false, productionForHost: false });
  });

  it('takes NODE_ENV as given, whatever HOST is', () => {
    expect(parseConfig({ HOST: '0.0.0.0', NODE_ENV: 'development' })).toMatchObject({
      production: false,
      productionForHost: false,
    });
    expect(parseConfig({})).toMatchObject({ production: false, productionForHost: false, host: '127.0.0.1' });
  });
});

describe('Neo4j settings', () => {
  it.each(['bolt://localhost:7687', 'neo4j://db', 'neo4j+s://db.example.org', 'bolt+ssc://10.0.0.1:7687'])(
    'accepts NEO4J_URI %s',
    (uri) => {
      expect(parseConfig({ NEO4J_URI: uri }).neo4j.uri).toBe(uri);
    },
  );

  it.each(['http://localhost:7474', 'bolt+x://db', 'xbolt://db', 'bolt://', 'bolt:db'])(
    'refuses NEO4J_URI %s',
    (uri) => {
      expect(refused({ NEO4J_URI: uri })).toEqual([
        'NEO4J_URI: expected a bolt:// or neo4j:// URI (optionally +s or +ssc)',
      ]);
    },
  );

  it.each(['512m', '1g', '2G', '1024M'])('accepts the memory size %s', (size) => {
    expect(parseConfig({ NEO4J_HEAP: size, NEO4J_PAGECACHE: size }).neo4j).toMatchObject({
      heap: size,
      pageCache: size,
    });
  });

  it.each(['1gb', 'x1g', '1', 'g', '1.5g'])('refuses the memory size %s', (size) => {
    expect(refused({ NEO4J_HEAP: size, NEO4J_PAGECACHE: size })).toEqual([
      'NEO4J_HEAP: expected a JVM size such as 512m or 1g',
      'NEO4J_PAGECACHE: expected a size such as 256m or 1g',
    ]);
  });

  it.each(['debug', 'info', 'warn', 'error', 'silent'])('accepts LOG_LEVEL %s', (level) => {
    expect(parseConfig({ LOG_LEVEL: level }).logLevel).toBe(level);
  });
});

describe('JWT settings', () => {
  it('no JWT without a secret or a JWKS URL, whatever else is set', () => {
    expect(parseConfig({ JWT_ISSUER: 'x', JWT_AUDIENCE: 'y' }).auth.jwt).toBeUndefined();
  });

  it('a secret of at least 32 characters, with issuer, audience and the scopes claim', () => {
    const secret = 's'.repeat(32);
    expect(parseConfig({ JWT_SECRET: secret, JWT_ISSUER: 'iss', JWT_AUDIENCE: 'aud' }).auth.jwt).toEqual({
      secret,
      jwksUrl: undefined,
      issuer: 'iss',
      audience: 'aud',
      scopesClaim: 'scope',
    });
    expect(parseConfig({ JWT_SECRET: 's'.repeat(100) }).auth.jwt?.secret).toHaveLength(100);
    expect(refused({ JWT_SECRET: 's'.repeat(31) })).toEqual(['JWT_SECRET: must be at least 32 characters']);
  });

  it('a JWKS URL alone turns JWTs on', () => {
    expect(
      parseConfig({ JWT_JWKS_URL: 'https://id.example.org/jwks.json', JWT_SCOPES_CLAIM: 'perms' }).auth.jwt,
    ).toEqual({
      secret: undefined,
      jwksUrl: 'https://id.example.org/jwks.json',
      issuer: undefined,
      audience: undefined,
      scopesClaim: 'perms',
    });
    expect(refused({ JWT_JWKS_URL: 'not a url' })).toHaveLength(1);
  });
});

describe('PUBLIC_URL', () => {
  it('takes an http(s) URL, with a path under a proxy, kept without its trailing slash', () => {
    expect(parseConfig({ PUBLIC_URL: 'http://localhost:4000' }).publicUrl).toBe('http://localhost:4000');
    expect(parseConfig({ PUBLIC_URL: 'https://example.org/stargraph/' }).publicUrl).toBe(
      'https://example.org/stargraph',
    );
  });

  it('refuses anything else, naming the value', () => {
    for (const bad of ['graph.example.org', 'ftp://example.org', 'https://example.org/?a=1', 'https://u:p@example.org'])
      expect(refused({ PUBLIC_URL: bad })).toEqual([
        `PUBLIC_URL: "${bad}" is not an http(s) URL such as https://graph.example.com (no query, fragment or credentials)`,
      ]);
  });
});

describe('ConfigError', () => {
  it('lists every bad variable, one per line, under one heading', () => {
    let error: ConfigError | undefined;
    try {
      parseConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', MAX_PATHS: '0' });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.name).toBe('ConfigError');
    expect(error!.problems).toHaveLength(3);
    expect(error!.message).toBe(`Invalid configuration:\n${error!.problems.map((p) => `  - ${p}`).join('\n')}`);
    expect(error!.problems.map((p) => p.split(':')[0])).toEqual(['PORT', 'LOG_LEVEL', 'MAX_PATHS']);
  });
});

describe('start-up warnings', () => {
  const SECRET = 'a-test-secret-that-is-at-least-32-chars';
  it('warns when JWTs are accepted without checking their issuer or audience', () => {
    expect(startupWarnings(parseConfig({ JWT_SECRET: SECRET }))).toEqual([
      'JWT_ISSUER and JWT_AUDIENCE unset: JWTs are accepted whatever their issuer and audience, as long as the key signed them',
    ]);
    expect(startupWarnings(parseConfig({ JWT_SECRET: SECRET, JWT_ISSUER: 'https://id.example' }))).toEqual([
      'JWT_AUDIENCE unset: JWTs are accepted whatever their audience, as long as the key signed them',
    ]);
  });

  it('says nothing when both are set, or when no JWT is accepted', () => {
    expect(startupWarnings(parseConfig({ JWT_SECRET: SECRET, JWT_ISSUER: 'i', JWT_AUDIENCE: 'a' }))).toEqual([]);
    expect(startupWarnings(parseConfig({}))).toEqual([]);
  });
});
