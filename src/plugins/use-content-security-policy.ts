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
 * The policy for one response: `styleNonce` is added to `style-src-elem` (the page's own <style>
 * elements carry it); `frameAncestors` replaces `'none'` for a page other sites may show in a
 * frame (the reconcile preview, which OpenRefine shows in an iframe).
 */
export function contentSecurityPolicy(options: { styleNonce?: string; frameAncestors?: string } = {}): string {
  let policy = CONTENT_SECURITY_POLICY;
  if (options.styleNonce)
    policy = policy.replace("style-src-elem 'self'", `style-src-elem 'self' 'nonce-${options.styleNonce}'`);
  if (options.frameAncestors)
    policy = policy.replace("frame-ancestors 'none'", `frame-ancestors ${options.frameAncestors}`);
  return policy;
}

/**
 * `styleNonce` gives the one-time nonce a page's own script puts on the <style> elements its
 * libraries create (GraphiQL's editor does); it is added to `style-src-elem` for that response.
 * A response that already carries a policy (a page that set its own) keeps it.
 */
export function useContentSecurityPolicy(
  options: { styleNonce?: (request: Request) => string | undefined } = {},
): Plugin {
  return {
    onResponse({ request, response }) {
      if (response.headers.has('content-security-policy')) return;
      response.headers.set(
        'content-security-policy',
        contentSecurityPolicy({ styleNonce: options.styleNonce?.(request) }),
      );
    },
  };
}
