import { isIP } from 'node:net';

/**
 * The client's network address: the TCP peer, or with TRUST_PROXY the address our proxy saw, the
 * last X-Forwarded-For entry (the one the nearest proxy appended; entries before it are the
 * client's own word). An entry that is not an IP address is ignored, and so is the header without
 * TRUST_PROXY: anyone can send it.
 */
export function clientAddressOf(
  request: Request,
  peer: string | undefined,
  { trustProxy }: { trustProxy: boolean },
): string | undefined {
  if (!trustProxy) return peer;
  const forwarded = request.headers.get('x-forwarded-for')?.split(',').at(-1)?.trim();
  return forwarded && isIP(forwarded) ? forwarded : peer;
}
