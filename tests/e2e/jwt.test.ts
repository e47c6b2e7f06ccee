/**
 * JWTs through the GraphQL server: an HS256 secret, and a JWKS served by this test on loopback.
 * A token with the `write` scope runs a mutation; a valid one without it is FORBIDDEN; a wrong
 * issuer, audience, algorithm, signing key or an expired token is UNAUTHENTICATED.
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, UnsecuredJWT, type JWTPayload } from 'jose';
import { deleteFixtures } from '../utils/fixtures.js';
import { gql, openTestGraph, testConfig, testServer, uniquePrefix, type TestGraph } from '../utils/graph.js';

const ISSUER = 'https://issuer.stargraph.test/';
const AUDIENCE = 'stargraph-api';
const SECRET = 'jwt-e2e-secret-that-is-long-enough-for-hs256';

let t: TestGraph;
const prefix = uniquePrefix('jwt');
let counter = 0;
beforeAll(async () => {
  t = await openTestGraph();
});
afterAll(async () => {
  await deleteFixtures(t.db, prefix);
  await t.close();
});

const UPSERT = `mutation($input: UpsertCompanyInput!) { upsertCompany(input: $input) { slug name } }`;

/** Runs the mutation with `Authorization: Bearer <token>`; returns the slug it asked for and the body. */
async function upsertWith(yoga: ReturnType<typeof testServer>, token: string) {
  const slug = `${prefix}-co-${++counter}`;
  const body = await gql<{ upsertCompany: { slug: string; name: string } }>(
    yoga,
    UPSERT,
    { input: { slug, name: `JWT company ${counter}` } },
    { authorization: `Bearer ${token}` },
  );
  return { slug, body };
}

async function exists(slug: string): Promise<boolean> {
  const [row] = await t.db.read('MATCH (n:Entity {slug: $slug}) RETURN count(n) AS n', { slug });
  return row?.n === 1;
}

async function expectRefused(
  yoga: ReturnType<typeof testServer>,
  token: string,
  code: 'UNAUTHENTICATED' | 'FORBIDDEN',
) {
  const { slug, body } = await upsertWith(yoga, token);
  expect(body.data ?? null).toBeNull();
  expect(body.errors?.[0]?.extensions?.code).toBe(code);
  expect(await exists(slug)).toBe(false);
}

async function expectAccepted(yoga: ReturnType<typeof testServer>, token: string) {
  const { slug, body } = await upsertWith(yoga, token);
  expect(body.errors).toBeUndefined();
  expect(body.data?.upsertCompany.slug).toBe(slug);
  expect(await exists(slug)).toBe(true);
}

const hour = 3600;
const now = () => Math.floor(Date.now() / 1000);
const claims = (scope: string, extra: JWTPayload = {}): JWTPayload => ({ scope, sub: 'jwt-e2e-user', ...extra });

type Yoga = ReturnType<typeof testServer>;
type Sign = (payload: JWTPayload, options?: { iss?: string; aud?: string; exp?: number }) => Promise<string>;

/** What every way of verifying tokens decides from the claims alone (registered in each describe). */
function claimChecks(server: () => Yoga, sign: Sign) {
  it('a valid token without the write scope is FORBIDDEN', async () => {
    await expectRefused(server(), await sign(claims('read')), 'FORBIDDEN');
  });

  it('a wrong issuer is UNAUTHENTICATED', async () => {
    await expectRefused(
      server(),
      await sign(claims('write'), { iss: 'https://someone-else.test/' }),
      'UNAUTHENTICATED',
    );
  });

  it('a wrong audience is UNAUTHENTICATED', async () => {
    await expectRefused(server(), await sign(claims('write'), { aud: 'another-api' }), 'UNAUTHENTICATED');
  });

  it('an expired token is UNAUTHENTICATED', async () => {
    await expectRefused(
      server(),
      await sign(claims('write', { iat: now() - 2 * hour }), { exp: now() - 60 }),
      'UNAUTHENTICATED',
    );
  });

  it('an unsigned token (alg: none) is UNAUTHENTICATED', async () => {
    const unsigned = new UnsecuredJWT(claims('write'))
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime(now() + hour)
      .encode();
    await expectRefused(server(), unsigned, 'UNAUTHENTICATED');
  });
}

describe('JWT with an HS256 secret', () => {
  let yoga: ReturnType<typeof testServer>;
  const key = new TextEncoder().encode(SECRET);
  const sign = (
    payload: JWTPayload,
    options: { iss?: string; aud?: string; exp?: number; secret?: Uint8Array; alg?: string } = {},
  ) =>
    new SignJWT(payload)
      .setProtectedHeader({ alg: options.alg ?? 'HS256' })
      .setIssuer(options.iss ?? ISSUER)
      .setAudience(options.aud ?? AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(options.exp ?? now() + hour)
      .sign(options.secret ?? key);

  beforeAll(() => {
    yoga = testServer(t.graph, testConfig({ JWT_SECRET: SECRET, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE }));
  });
  claimChecks(() => yoga, sign);

  it('a valid token with the write scope runs a mutation', async () => {
    await expectAccepted(yoga, await sign(claims('read write')));
  });

  it('a token signed with another secret is UNAUTHENTICATED', async () => {
    const other = new TextEncoder().encode('a-different-secret-also-long-enough-for-hs256');
    await expectRefused(yoga, await sign(claims('write'), { secret: other }), 'UNAUTHENTICATED');
  });

  it('a token without an expiry (exp) is UNAUTHENTICATED, however valid otherwise', async () => {
    const forever = await new SignJWT(claims('write'))
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .sign(key);
    await expectRefused(yoga, forever, 'UNAUTHENTICATED');
  });
});

describe('JWT with a JWKS (RS256) served on loopback', () => {
  let jwks: Server;
  let jwksHits = 0;
  let yoga: ReturnType<typeof testServer>;
  let signingKey: CryptoKey;
  let publicPem: string;
  const kid = 'jwt-e2e-key-1';

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256', { extractable: true });
    signingKey = pair.privateKey;
    publicPem = await exportSPKI(pair.publicKey);
    const jwk = { ...(await exportJWK(pair.publicKey)), kid, alg: 'RS256', use: 'sig' };
    jwks = createHttpServer((req, res) => {
      jwksHits++;
      if (req.url !== '/.well-known/jwks.json') {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((ok) => jwks.listen(0, '127.0.0.1', ok));
    const { port } = jwks.address() as AddressInfo;
    yoga = testServer(
      t.graph,
      testConfig({
        JWT_JWKS_URL: `http://127.0.0.1:${port}/.well-known/jwks.json`,
        JWT_ISSUER: ISSUER,
        JWT_AUDIENCE: AUDIENCE,
      }),
    );
  });
  afterAll(async () => {
    jwks.closeAllConnections();
    await new Promise<void>((ok) => jwks.close(() => ok()));
  });

  const sign = (
    payload: JWTPayload,
    options: { iss?: string; aud?: string; exp?: number; key?: CryptoKey; kid?: string } = {},
  ) =>
    new SignJWT(payload)
      .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? kid })
      .setIssuer(options.iss ?? ISSUER)
      .setAudience(options.aud ?? AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(options.exp ?? now() + hour)
      .sign(options.key ?? signingKey);
  claimChecks(() => yoga, sign);

  it('a valid token with the write scope runs a mutation, the key fetched from the JWKS', async () => {
    await expectAccepted(yoga, await sign(claims('write')));
    expect(jwksHits).toBeGreaterThanOrEqual(1);
  });

  it('a token signed by a key not in the JWKS (same kid) is UNAUTHENTICATED', async () => {
    const stranger = await generateKeyPair('RS256');
    await expectRefused(yoga, await sign(claims('write'), { key: stranger.privateKey }), 'UNAUTHENTICATED');
  });

  it('an HS256 token keyed with the public key (algorithm confusion) is UNAUTHENTICATED', async () => {
    const forged = await new SignJWT(claims('write'))
      .setProtectedHeader({ alg: 'HS256', kid })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime(now() + hour)
      .sign(new TextEncoder().encode(publicPem));
    await expectRefused(yoga, forged, 'UNAUTHENTICATED');
  });
});
