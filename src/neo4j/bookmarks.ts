/**
 * Read-your-writes across API replicas. A response to a request that wrote carries the database
 * bookmark in `x-stargraph-bookmark`; a request that sends it back has every statement it runs
 * wait, on whichever Neo4j server answers it (a cluster follower), until that server has applied
 * the transactions the bookmark names. Bookmarks are Neo4j's own opaque strings; several are
 * joined by commas.
 */
import { ErrorCode, StargraphError } from '../errors.js';

export const BOOKMARK_HEADER = 'x-stargraph-bookmark';

/** At most this many bookmarks in one header, each at most BOOKMARK_MAX_CHARS long. */
export const MAX_BOOKMARKS = 16;
export const BOOKMARK_MAX_CHARS = 256;

// Neo4j 5's bookmarks are `FB:` and base64; the class is a little wider so that a future
// form still passes, while nothing that could break a header or a log line does.
const BOOKMARK = /^[A-Za-z0-9:_\-+/=.]+$/;

export const invalidBookmark = (message: string) =>
  new StargraphError(
    ErrorCode.INVALID_BOOKMARK,
    `${message}: send back the ${BOOKMARK_HEADER} header exactly as a response gave it`,
  );

/** The bookmarks a request header holds: none when absent or empty. Throws INVALID_BOOKMARK. */
export function parseBookmarkHeader(value: string | null): string[] {
  if (value === null || value.trim() === '') return [];
  const bookmarks = value.split(',').map((b) => b.trim());
  if (bookmarks.length > MAX_BOOKMARKS) throw invalidBookmark(`more than ${MAX_BOOKMARKS} bookmarks`);
  for (const b of bookmarks)
    if (b.length === 0 || b.length > BOOKMARK_MAX_CHARS || !BOOKMARK.test(b)) throw invalidBookmark('not a bookmark');
  return [...new Set(bookmarks)];
}

/** The header value for a set of bookmarks. */
export const formatBookmarks = (bookmarks: Iterable<string>) => [...bookmarks].join(',');
