/**
 * The write token the explorer sends with its mutations (review decisions, merges). It lives in
 * sessionStorage only: gone when the tab closes, never in the URL or localStorage.
 */
import { el } from './dom.js';
import { request } from './graphql.js';
import type { TadaDocumentNode } from 'gql.tada';

const KEY = 'stargraph-write-token';

export const writeToken = (): string => sessionStorage.getItem(KEY) ?? '';

export function setWriteToken(token: string): void {
  if (token) sessionStorage.setItem(KEY, token);
  else sessionStorage.removeItem(KEY);
}

/** Thrown before a write when no token was given: the page asks for one. */
export class NoTokenError extends Error {
  constructor() {
    super('Writes need a write token: enter it in the "Write token" field.');
  }
}

/** A mutation with the session's write token. */
export function write<R, V>(document: TadaDocumentNode<R, V>, variables: V): Promise<R> {
  const token = writeToken();
  if (!token) return Promise.reject(new NoTokenError());
  return request(document, variables, undefined, token);
}

/** A labelled password field that keeps the token in sessionStorage as it is typed. */
export function tokenField(id = 'write-token'): HTMLElement {
  const input = el('input', {
    id,
    type: 'password',
    autocomplete: 'off',
    placeholder: 'needed to write',
    value: writeToken(),
    className: 'token-input',
  });
  input.addEventListener('input', () => setWriteToken(input.value.trim()));
  return el('span', { className: 'token-field' }, el('label', { htmlFor: id }, 'Write token'), ' ', input);
}
