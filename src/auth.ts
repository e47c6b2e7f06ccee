import { createHash, timingSafeEqual } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { SCOPES, type Config, type Scope } from './config.js';
import type { AuthInfo } from './context.js';

const ANONYMOUS: AuthInfo = { authenticated: false, invalid: false, scopes: new Set() };
const INVALID: AuthInfo = { authenticated: false, invalid: true, scopes: new Set() };

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Whether `auth` may read: anyone may, unless REQUIRE_AUTH_FOR_READS; then a read or write token. */
export const mayRead = (config: Config['auth'], auth: AuthInfo): boolean =>
  !config.requireAuthForReads || auth.scopes.has('read') || auth.scopes.has('write');

/**
 * A verified JWT's caller: its scopes, and as its identity its issuer and subject, so every
 * token of one subject counts together (a token without a subject is its own caller).
 */
function jwtCaller(payload: JWTPayload, scopesClaim: string, tokenDigest: Buffer): AuthInfo {
  const claim = payload[scopesClaim];
  const raw = Array.isArray(claim) ? claim.map(String) : typeof claim === 'string' ? claim.split(/[\s,+]+/) : [];
  const scopes = raw.filter((s): s is Scope => SCOPES.includes(s as Scope));
  const who = payload.sub ?? `token ${tokenDigest.toString('hex').slice(0, 16)}`;
  return {
    authenticated: true,
    invalid: false,
    scopes: new Set(scopes),
    subject: payload.sub,
    identity: `jwt:${payload.iss ?? ''} ${who}`,
    // Verified with `exp` required, so it is there.
    expiresAt: payload.exp! * 1000,
  };
}

/** Resolves `Authorization: Bearer …` to scopes: API keys first, then a JWT if configured. */
export function createAuthenticator(config: Config['auth']) {
  // Compare fixed-length digests so neither length nor content leaks through timing.
  const keys = config.apiKeys.map((k) => ({
    digest: digest(k.secret),
    scopes: k.scopes,
    points: k.points,
    // Names the key without its secret: a prefix of its digest.
    identity: `key:${digest(k.secret).toString('hex').slice(0, 16)}`,
  }));
  const jwt = config.jwt;
  let jwks: JWTVerifyGetKey | undefined;
  const secret = jwt?.secret ? new TextEncoder().encode(jwt.secret) : undefined;

  return async function authenticate(header: string | null): Promise<AuthInfo> {
    if (!header) return ANONYMOUS;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) return INVALID;
    const token = match[1]!;
    const presented = digest(token);
    let found: (typeof keys)[number] | undefined;
    for (const key of keys) {
      if (timingSafeEqual(presented, key.digest)) found = key; // no early exit: constant work
    }
    if (found)
      return {
        authenticated: true,
        invalid: false,
        scopes: new Set(found.scopes),
        subject: 'api-key',
        identity: found.identity,
        ...(found.points === undefined ? {} : { rateLimitPoints: found.points }),
      };
    if (!jwt || token.split('.').length !== 3) return INVALID;
    try {
      // Pin the algorithms so a token cannot pick a weaker one (or "none") for itself.
      // A token must expire (`exp`): one without would be good forever once leaked.
      const verifyOptions = {
        issuer: jwt.issuer,
        audience: jwt.audience,
        requiredClaims: ['exp'],
        algorithms: secret
          ? ['HS256', 'HS384', 'HS512']
          : ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'EdDSA'],
      };
      if (!secret) jwks ??= createRemoteJWKSet(new URL(jwt.jwksUrl!));
      const { payload } = secret
        ? await jwtVerify(token, secret, verifyOptions)
        : await jwtVerify(token, jwks!, verifyOptions);
      return jwtCaller(payload, jwt.scopesClaim, presented);
    } catch {
      return INVALID;
    }
  };
}
