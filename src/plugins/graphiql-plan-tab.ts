/**
 * GraphiQL's "Query plan" tab: the statements the last request ran (`extensions.plan`, see
 * use-debug-extensions.ts), their Cypher, rows, round trip, time in Neo4j and db hits.
 *
 * It is plain browser script served as `/graphiql/plan-tab.js`, after the GraphiQL bundle (which
 * puts React on `globalThis`) and before init.js renders the page. It watches the page's own
 * requests to its endpoint: with the tab's switch on, each carries `x-debug-cypher: 1` (or
 * `profile`), and each JSON answer (not introspection, not a stream) becomes "the last request".
 * The tab is handed to GraphiQL through `globalThis.StargraphGraphiQLPlugins` (see
 * withExtraPlugins).
 */

/**
 * The GraphiQL bundle with its plugin list extended by `globalThis.StargraphGraphiQLPlugins`.
 * Yoga's GraphiQL passes GraphiQL a fixed list (its query builder) that a `plugins` option would
 * replace rather than extend, so the list in the bundle is widened instead. The bundle is matched
 * by shape, not by minified name; when a new version no longer matches, `patched` is false and the
 * bundle is served unchanged (the browser test then fails: the tab is missing).
 */
export function withExtraPlugins(bundle: string): { js: string; patched: boolean } {
  const pattern = /shouldPersistHeaders:!0,plugins:\[([A-Za-z_$][\w$]*)\]/g;
  const matches = bundle.match(pattern);
  if (matches?.length !== 1) return { js: bundle, patched: false };
  return {
    js: bundle.replace(
      pattern,
      (_all, builder: string) =>
        `shouldPersistHeaders:!0,plugins:[${builder},...(globalThis.StargraphGraphiQLPlugins||[])]`,
    ),
    patched: true,
  };
}

export const PLAN_TAB_JS = `(function () {
  var React = globalThis.React;
  if (!React) return;
  var h = React.createElement;
  var KEY = 'stargraph:plan-ask';
  var state = { ask: readAsk(), last: null };
  var listeners = new Set();
  function readAsk() {
    try { var v = localStorage.getItem(KEY); return v === '1' || v === 'profile' ? v : 'off'; } catch (e) { return 'off'; }
  }
  function emit(change) {
    state = Object.assign({}, state, change);
    listeners.forEach(function (l) { l(); });
  }
  function subscribe(l) { listeners.add(l); return function () { listeners.delete(l); }; }
  function snapshot() { return state; }

  function isIntrospection(body) {
    if (typeof body !== 'string') return false;
    try {
      var parsed = JSON.parse(body);
      return parsed.operationName === 'IntrospectionQuery' || /\\b__schema\\b/.test(String(parsed.query || ''));
    } catch (e) { return false; }
  }

  var endpoint = location.pathname;
  var originalFetch = globalThis.fetch.bind(globalThis);
  globalThis.fetch = function (input, init) {
    var url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    var body = init && init.body;
    if (new URL(url, location.href).pathname !== endpoint || isIntrospection(body)) return originalFetch(input, init);
    init = Object.assign({}, init);
    var asked = state.ask;
    if (asked !== 'off') {
      var headers = new Headers(init.headers || (input instanceof Request ? input.headers : undefined));
      headers.set('x-debug-cypher', asked);
      init.headers = headers;
    }
    var started = performance.now();
    return originalFetch(input, init).then(function (response) {
      var type = response.headers.get('content-type') || '';
      if (/json/.test(type)) {
        response.clone().json().then(
          function (answer) {
            emit({ last: { asked: asked, ms: performance.now() - started, extensions: (answer && answer.extensions) || {}, streamed: false } });
          },
          function () {},
        );
      } else {
        emit({ last: { asked: asked, ms: performance.now() - started, extensions: {}, streamed: true } });
      }
      return response;
    });
  };

  var ms = function (n) { return (Math.round(n * 100) / 100).toLocaleString('en') + ' ms'; };

  function Statement(props) {
    var s = props.statement;
    var facts = [
      s.rows + (s.rows === 1 ? ' row' : ' rows'),
      'round trip ' + ms(s.roundTripMs),
      'in Neo4j ' + ms(s.dbTimeMs),
    ];
    if (typeof s.dbHits === 'number') facts.push(s.dbHits.toLocaleString('en') + ' db hits');
    return h('li', { className: 'stargraph-plan-statement' + (s.error ? ' stargraph-plan-failed' : '') },
      h('div', { className: 'stargraph-plan-facts' },
        h('strong', null, '#' + (props.index + 1)), ' ', facts.join(' · '),
        s.error ? h('span', { className: 'stargraph-plan-error' }, ' failed: ' + s.error) : null),
      s.parameters.length ? h('div', { className: 'stargraph-plan-params' }, 'parameters: ' + s.parameters.map(function (p) { return '$' + p; }).join(', ')) : null,
      h('pre', { className: 'stargraph-plan-cypher' }, s.cypher));
  }

  function Content() {
    var st = React.useSyncExternalStore(subscribe, snapshot);
    var choose = function (event) {
      var v = event.target.value;
      try { localStorage.setItem(KEY, v); } catch (e) {}
      emit({ ask: v });
    };
    var body;
    var last = st.last;
    if (!last) {
      body = h('p', null, 'Run an operation: the statements it ran appear here.');
    } else if (last.streamed) {
      body = h('p', null, 'The last answer was streamed (a subscription, @defer or @stream): it carries no plan.');
    } else if (!last.extensions.plan) {
      body = h('p', null, last.asked === 'off'
        ? 'Choose "statements" or "with db hits" above, then run the operation again.'
        : 'The server left the plan out: it honours x-debug-cypher when DEBUG_EXTENSIONS_HEADER=true or for a token with the debug scope (Headers pane), and always with DEBUG_EXTENSIONS=true.');
    } else {
      var plan = last.extensions.plan;
      var totals = last.extensions.cypher || {};
      var hits = plan.statements.reduce(function (sum, s) { return typeof s.dbHits === 'number' ? (sum || 0) + s.dbHits : sum; }, undefined);
      var summary = [
        plan.statements.length + (plan.statements.length === 1 ? ' statement' : ' statements'),
        (totals.roundTrips || 0) + (totals.roundTrips === 1 ? ' round trip' : ' round trips'),
        'in Neo4j ' + ms(totals.dbTimeMs || 0),
        'answered in ' + ms(last.ms),
      ];
      if (hits !== undefined) summary.push(hits.toLocaleString('en') + ' db hits');
      if (plan.statementsLeftOut) summary.push(plan.statementsLeftOut + ' more not listed');
      body = h(React.Fragment, null,
        h('p', { className: 'stargraph-plan-summary' }, summary.join(' · ')),
        h('ol', { className: 'stargraph-plan-list' }, plan.statements.map(function (s, i) {
          return h(Statement, { key: i, statement: s, index: i });
        })));
    }
    return h('div', { className: 'stargraph-plan' },
      h('div', { className: 'graphiql-doc-explorer-title' }, 'Query plan'),
      h('label', { className: 'stargraph-plan-ask' }, 'Ask for the plan ',
        h('select', { value: st.ask, onChange: choose, 'aria-label': 'Ask for the plan' },
          h('option', { value: 'off' }, 'off'),
          h('option', { value: '1' }, 'statements'),
          h('option', { value: 'profile' }, 'with db hits (PROFILE)'))),
      body);
  }

  function Icon() {
    return h('svg', { viewBox: '0 0 24 24', width: 20, height: 20, fill: 'none', stroke: 'currentColor', strokeWidth: 1.5, 'aria-hidden': true },
      h('path', { d: 'M4 5h10M4 10h16M4 15h7M4 20h13' }));
  }

  globalThis.StargraphGraphiQLPlugins = [{ title: 'Query plan', icon: Icon, content: Content }];
})();
`;

/** The tab's look, beside GraphiQL's own sheet. */
export const PLAN_TAB_CSS = `.stargraph-plan { font: 13px/1.45 system-ui, sans-serif; }
.stargraph-plan-ask { display: block; margin: 8px 0 12px; }
.stargraph-plan-summary { font-weight: 600; }
.stargraph-plan-list { padding-left: 0; list-style: none; }
.stargraph-plan-statement { border-top: 1px solid hsla(var(--color-neutral), var(--alpha-background-heavy)); padding: 8px 0; }
.stargraph-plan-failed .stargraph-plan-facts { color: hsl(var(--color-error)); }
.stargraph-plan-params { opacity: 0.8; }
.stargraph-plan-cypher { white-space: pre-wrap; word-break: break-word; font: 12px/1.4 ui-monospace, monospace;
  max-height: 16em; overflow: auto; margin: 4px 0 0; }
`;
