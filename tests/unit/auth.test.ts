/** Bearer API keys and HS256 JWTs → scopes (no database). */
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../src/auth.js';
import { parseConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createDriver, GraphDb } from '../../src/neo4j/db.js';
import { createServer } from '../../src/server.js';

const SECRET = 'a-test-secret-that-is-at-least-32-chars';
const config = (env: Record<string, string> = {}) =>
  parseConfig({ NODE_ENV: 'test', API_KEYS: 'writer-secret-1:write+read,reader-secret-1:read', ...env }).auth;

const sign = (claims: Record<string, unknown>, { secret = SECRET, alg = 'HS256', exp = '5m' } = {}) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg })
    .setSubject('user-1')
    .setIssuedAt()
    .setExpirationTime(exp)
    .sign(new TextEncoder().encode(secret));

describe('API keys', () => {
  const authenticate = createAuthenticator(config());

  it('no header is anonymous (not invalid)', async () => {
    expect(await authenticate(null)).toMatchObject({ authenticated: false, invalid: false });
  });

  it('a known key gets its scopes', async () => {
    const writer = await authenticate('Bearer writer-secret-1');
    expect(writer.authenticated).toBe(true);
    expect([...writer.scopes].sort()).toEqual(['read', 'write']);
    expect([...(await authenticate('bearer reader-secret-1')).scopes]).toEqual(['read']);
  });

  it('a wrong key, a prefix of a key, or a malformed header is invalid', async () => {
    for (const header of [
      'Bearer writer-secret-2',
      'Bearer writer-secret',
      'Bearer writer-secret-11',
      'Basic abc',
      'Bearer',
      'writer-secret-1',
    ]) {
      expect(await authenticate(header)).toMatchObject({ authenticated: false, invalid: true });
    }
  });
});

describe('JWT (HS256 secret)', () => {
  const authenticate = createAuthenticator(config({ JWT_SECRET: SECRET, JWT_ISSUER: 'stargraph-tests' }));

  it('takes scopes from the claim (space-separated string or list)', async () => {
    const spaced = await authenticate(`Bearer ${await sign({ scope: 'read write admin', iss: 'stargraph-tests' })}`);
    expect(spaced).toMatchObject({ authenticated: true, subject: 'user-1' });
    expect([...spaced.scopes].sort()).toEqual(['read', 'write']);
    const listed = await authenticate(`Bearer ${await sign({ scope: ['read'], iss: 'stargraph-tests' })}`);
    expect([...listed.scopes]).toEqual(['read']);
  });

  it('a valid token without scopes is authenticated with none (FORBIDDEN, not UNAUTHENTICATED, for writes)', async () => {
    const token = await sign({ iss: 'stargraph-tests' });
    const none = await authenticate(`Bearer ${token}`);
    expect(none).toMatchObject({ authenticated: true, invalid: false });
    expect(none.scopes.size).toBe(0);
    // Through the GraphQL server: the mutation is refused before it could reach a database
    // (there is none on this port), with FORBIDDEN for the scopeless token.
    const serverConfig = parseConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      NEO4J_URI: 'bolt://127.0.0.1:9',
      JWT_SECRET: SECRET,
      JWT_ISSUER: 'stargraph-tests',
    });
    const graph = new GraphDb(
      createDriver({ ...serverConfig.neo4j, uri: serverConfig.neo4j.uri! }),
      serverConfig.neo4j.database,
      1_000,
    );
    const yoga = createServer({ config: serverConfig, graph, logger: createLogger('silent') });
    const upsert = async (headers: Record<string, string>) => {
      const response = await yoga.fetch('http://stargraph.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({
          query: 'mutation { upsertPerson(input: { slug: "nobody-at-all", name: "Nobody" }) { slug } }',
        }),
      });
      return (await response.json()) as { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> };
    };
    try {
      const scopeless = await upsert({ authorization: `Bearer ${token}` });
      expect(scopeless.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
      expect(scopeless.data ?? null).toBeNull();
      const readOnly = await upsert({
        authorization: `Bearer ${await sign({ scope: 'read', iss: 'stargraph-tests' })}`,
      });
      expect(readOnly.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
      const anonymous = await upsert({});
      expect(anonymous.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    } finally {
      await graph.close();
    }
  });

  it('refuses a wrong secret, a wrong issuer, an expired token and alg "none"', async () => {
    const wrongSecret = await sign(
      { scope: 'write', iss: 'stargraph-tests' },
      { secret: 'another-secret-that-is-32-chars-long!!' },
    );
    const wrongIssuer = await sign({ scope: 'write', iss: 'someone-else' });
    const expired = await sign({ scope: 'write', iss: 'stargraph-tests' }, { exp: '-1m' });
    const header = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ scope: 'write', iss: 'stargraph-tests' })).toString('base64url');
    for (const token of [wrongSecret, wrongIssuer, expired, `${header}.${payload}.`]) {
      expect(await authenticate(`Bearer ${token}`)).toMatchObject({ authenticated: false, invalid: true });
    }
  });

  it('API keys still work next to JWTs', async () => {
    expect((await authenticate('Bearer writer-secret-1')).scopes.has('write')).toBe(true);
  });
});

describe('JWT scopes claim', () => {
  it('can be renamed with JWT_SCOPES_CLAIM', async () => {
    const authenticate = createAuthenticator(config({ JWT_SECRET: SECRET, JWT_SCOPES_CLAIM: 'permissions' }));
    const auth = await authenticate(`Bearer ${await sign({ permissions: ['write'], scope: 'read' })}`);
    expect([...auth.scopes]).toEqual(['write']);
  });
});
