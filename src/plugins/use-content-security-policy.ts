/**
 * Content-Security-Policy on every response: scripts, styles, workers, fonts and fetches only
 * from our own origin (GraphiQL and the explorer are served by this process, no inline script
 * or style sheet; only style attributes, see below),
 * images also as data: URLs (GraphiQL's icons). A page that tried to load anything from another
 * host would be refused by the browser.
 */
import type { Plugin } from 'graphql-yoga';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  // GraphiQL's editor (Monaco) and React write style *attributes* into markup (sizes,
  // positions); attributes cannot load or run anything. Style sheets and <style> elements stay
  // same-origin only.
  "style-src-elem 'self'",
  "style-src-attr 'unsafe-inline'",
  "worker-src 'self'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * `styleNonce` gives the one-time nonce a page's own script puts on the <style> elements its
 * libraries create (GraphiQL's editor does); it is added to `style-src-elem` for that response.
 */
export function useContentSecurityPolicy(
  options: { styleNonce?: (request: Request) => string | undefined } = {},
): Plugin {
  return {
    onResponse({ request, response }) {
      if (response.headers.has('content-security-policy')) return;
      const nonce = options.styleNonce?.(request);
      const policy = nonce
        ? CONTENT_SECURITY_POLICY.replace("style-src-elem 'self'", `style-src-elem 'self' 'nonce-${nonce}'`)
        : CONTENT_SECURITY_POLICY;
      response.headers.set('content-security-policy', policy);
    },
  };
}
