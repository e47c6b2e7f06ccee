import type { Plugin } from 'graphql-yoga';

/** HSTS for a year, subdomains included: what an HTTPS response carries. */
export const STRICT_TRANSPORT_SECURITY = 'max-age=31536000; includeSubDomains';

/** Whether a CSP lets some page frame the response: it has `frame-ancestors`, and not `'none'`. */
function framable(policy: string | null): boolean {
  const directive = policy
    ?.split(';')
    .map((d) => d.trim().toLowerCase())
    .find((d) => d.startsWith('frame-ancestors '));
  return directive !== undefined && directive !== "frame-ancestors 'none'";
}

export interface SecurityHeadersOptions {
  /** TRUST_PROXY: X-Forwarded-Proto comes from our TLS-terminating proxy, not from the client. */
  trustProxy: boolean;
}

/**
 * Did the client reach us over HTTPS? Only a trusted proxy can say so (this server speaks plain
 * HTTP): the last X-Forwarded-Proto value, the one the nearest proxy set.
 */
export function reachedOverHttps(request: Request, { trustProxy }: SecurityHeadersOptions): boolean {
  if (!trustProxy) return false;
  const proto = request.headers.get('x-forwarded-proto');
  return proto?.split(',').at(-1)?.trim().toLowerCase() === 'https';
}

/**
 * Standard hardening headers on every response: no MIME sniffing, no referrer leaking to other
 * sites, and no framing by anyone (X-Frame-Options for old browsers, `frame-ancestors` for the
 * rest; a CSP set by someone else is left alone). A response whose own CSP names who may frame it
 * (the reconcile preview) gets no X-Frame-Options: browsers that know `frame-ancestors` follow it
 * over X-Frame-Options anyway, and the two must not disagree. Strict-Transport-Security only on
 * responses to requests that reached us over HTTPS, never on plain HTTP.
 */
export function useSecurityHeaders(options: SecurityHeadersOptions): Plugin {
  return {
    onResponse({ request, response }) {
      const headers = response.headers;
      headers.set('x-content-type-options', 'nosniff');
      headers.set('referrer-policy', 'no-referrer');
      if (!framable(headers.get('content-security-policy'))) headers.set('x-frame-options', 'DENY');
      if (!headers.has('content-security-policy')) headers.set('content-security-policy', "frame-ancestors 'none'");
      if (reachedOverHttps(request, options)) headers.set('strict-transport-security', STRICT_TRANSPORT_SECURITY);
    },
  };
}
