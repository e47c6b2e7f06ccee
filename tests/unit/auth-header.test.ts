/**
 * The Authorization header (src/auth.ts), more strictly than auth.test.ts: the header's exact
 * shape, the pinned JWT algorithms for a secret and for a JWKS (served by this test on loopback),
 * and what an accepted caller is. Each test builds its own authenticator.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../src/auth.js';
import { parseConfig } from '../../src/config.js';

const SECRET = 'a-test-secret-that-is-at-least-32-chars';
const auth = (env: Record<string, string> = {}) =>
  createAuthenticator(parseConfig({ API_KEYS: 'writer-key-1:write+read,reader-key-1:read', ...env }).auth);

const ACCEPTED_WRITER = {
  authenticated: true,
  invalid: false,
  scopes: new Set(['write', 'read']),
  subject: 'api-key',
  identity: expect.stringMatching(/^key:[0-9a-f]{16}$/),
};
const INVALID = { authenticated: false, invalid: true, scopes: new Set() };

describe('the Bearer header', () => {
  it('without JWT settings, only a known key is accepted, as exactly its scopes', async () => {
    const authenticate = auth();
    expect(await authenticate('Bearer writer-key-1')).toEqual(ACCEPTED_WRITER);
    const reader = await authenticate('Bearer reader-key-1');
    expect(reader).toEqual({ ...ACCEPTED_WRITER, scopes: new Set(['read']) });
    expect(await authenticate(null)).toEqual({ authenticated: false, invalid: false, scopes: new Set() });
    expect(await authenticate('')).toEqual({ authenticated: false, invalid: false, scopes: new Set() });
    expect(await authenticate('Bearer a.b.c')).toEqual(INVALID);
  });

  it('names each key by an identity of its own that does not show its secret', async () => {
    const authenticate = auth();
    const writer = (await authenticate('Bearer writer-key-1')).identity;
    expect((await authenticate('Bearer  writer-key-1 ')).identity).toBe(writer);
    expect((await authenticate('Bearer reader-key-1')).identity).not.toBe(writer);
    expect(writer).not.toContain('writer-key-1');
  });

  it.each(['Bearer   writer-key-1', 'bearer writer-key-1', 'BEARER\twriter-key-1', 'Bearer writer-key-1  '])(
    'accepts %j (any case, any whitespace around the token)',
    async (header) => {
      expect(await auth()(header)).toEqual(ACCEPTED_WRITER);
    },
  );

  it.each([
    'XBearer writer-key-1',
    'Bearer writer-key-1 extra',
    'Bearerwriter-key-1',
    'Token writer-key-1',
    ' Bearer writer-key-1',
  ])('refuses %j', async (header) => {
    expect(await auth()(header)).toEqual(INVALID);
  });
});

const hsToken = (claims: Record<string, unknown>, alg = 'HS256', secret = SECRET) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg })
    .setSubject('user-1')
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(secret));

describe('JWT with a shared secret', () => {
  it.each(['HS256', 'HS384', 'HS512'])('accepts %s', async (alg) => {
    const result = await auth({ JWT_SECRET: SECRET })(`Bearer ${await hsToken({ scope: 'read' }, alg)}`);
    expect(result).toEqual({
      authenticated: true,
      invalid: false,
      scopes: new Set(['read']),
      subject: 'user-1',
      identity: 'jwt: user-1',
      expiresAt: expect.any(Number),
    });
  });

  it('gives the token’s expiry, and as its identity its issuer and subject (any token of one subject)', async () => {
    const authenticate = auth({ JWT_SECRET: SECRET });
    const exp = Math.floor(Date.now() / 1000) + 600;
    const sign = (claims: Record<string, unknown>) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(SECRET));
    const first = await authenticate(`Bearer ${await sign({ iss: 'idp', sub: 'ada', exp, scope: 'read' })}`);
    expect(first).toMatchObject({ identity: 'jwt:idp ada', expiresAt: exp * 1000 });
    const second = await authenticate(`Bearer ${await sign({ iss: 'idp', sub: 'ada', exp: exp + 1 })}`);
    expect(second.identity).toBe('jwt:idp ada');
    const anotherIssuer = await authenticate(`Bearer ${await sign({ iss: 'other', sub: 'ada', exp })}`);
    expect(anotherIssuer.identity).toBe('jwt:other ada');
    // Without a subject, each token is a caller of its own.
    const [a, b] = await Promise.all([sign({ exp, n: 1 }), sign({ exp, n: 2 })]);
    const [ia, ib] = [(await authenticate(`Bearer ${a}`)).identity, (await authenticate(`Bearer ${b}`)).identity];
    expect(ia).toMatch(/^jwt: token [0-9a-f]{16}$/);
    expect(ib).not.toBe(ia);
  });

  it('splits a scope string on spaces, commas and pluses; a non-list, non-string claim gives no scopes', async () => {
    const authenticate = auth({ JWT_SECRET: SECRET });
    for (const scope of ['read write', 'read,write', 'read+write', ' read ,, write ']) {
      expect((await authenticate(`Bearer ${await hsToken({ scope })}`)).scopes).toEqual(new Set(['read', 'write']));
    }
    expect(await authenticate(`Bearer ${await hsToken({ scope: 7 })}`)).toMatchObject({
      authenticated: true,
      scopes: new Set(),
    });
  });

  it('checks the audience when one is configured', async () => {
    const authenticate = auth({ JWT_SECRET: SECRET, JWT_AUDIENCE: 'stargraph' });
    expect((await authenticate(`Bearer ${await hsToken({ aud: 'stargraph', scope: 'read' })}`)).authenticated).toBe(
      true,
    );
    expect(await authenticate(`Bearer ${await hsToken({ aud: 'another-api', scope: 'read' })}`)).toEqual(INVALID);
  });
});

describe('JWT from a JWKS (served on loopback by this test)', () => {
  const algs = ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'EdDSA'] as const;
  const keys = new Map<string, CryptoKey | Uint8Array>();
  let server: Server;
  let jwksUrl = '';

  beforeAll(async () => {
    const jwks: JWK[] = [];
    for (const alg of algs) {
      const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
      keys.set(alg, privateKey);
      jwks.push({ ...(await exportJWK(publicKey)), kid: alg, alg });
    }
    server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: jwks }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const sign = (alg: string) =>
    new SignJWT({ scope: 'write' })
      .setProtectedHeader({ alg, kid: alg })
      .setSubject('svc-1')
      .setExpirationTime('5m')
      .sign(keys.get(alg)!);

  it.each(algs)('accepts %s', async (alg) => {
    const authenticate = auth({ JWT_JWKS_URL: jwksUrl });
    expect(await authenticate(`Bearer ${await sign(alg)}`)).toEqual({
      authenticated: true,
      invalid: false,
      scopes: new Set(['write']),
      subject: 'svc-1',
      identity: 'jwt: svc-1',
      expiresAt: expect.any(Number),
    });
  });

  it('refuses an HMAC token (a JWKS deployment has no shared secret to accept)', async () => {
    const authenticate = auth({ JWT_JWKS_URL: jwksUrl });
    expect(await authenticate(`Bearer ${await hsToken({ scope: 'write' })}`)).toEqual(INVALID);
  });
});
