import type { Plugin } from 'graphql-yoga';

/**
 * Standard hardening headers on every response: no MIME sniffing, no referrer leaking to other
 * sites, and no framing by anyone (X-Frame-Options for old browsers, `frame-ancestors` for the
 * rest; a CSP set by someone else is left alone).
 */
export function useSecurityHeaders(): Plugin {
  return {
    onResponse({ response }) {
      const headers = response.headers;
      headers.set('x-content-type-options', 'nosniff');
      headers.set('referrer-policy', 'no-referrer');
      headers.set('x-frame-options', 'DENY');
      if (!headers.has('content-security-policy')) headers.set('content-security-policy', "frame-ancestors 'none'");
    },
  };
}
