import { describe, expect, it } from 'vitest';
import { withExtraPlugins } from '../../src/plugins/graphiql-plan-tab.js';
import { GRAPHIQL_PLAN_TAB } from '../../src/plugins/use-graphiql-assets.js';

describe("GraphiQL's plugin list, widened for the Query plan tab", () => {
  it('is widened in the installed GraphiQL bundle', () => {
    // False means a new bundle no longer has the shape withExtraPlugins knows: the tab is gone.
    expect(GRAPHIQL_PLAN_TAB).toBe(true);
  });

  it("keeps the bundle's own plugin first and appends ours", () => {
    const { js, patched } = withExtraPlugins('x({shouldPersistHeaders:!0,plugins:[r],schemaDescription:!0})');
    expect(patched).toBe(true);
    expect(js).toBe(
      'x({shouldPersistHeaders:!0,plugins:[r,...(globalThis.StargraphGraphiQLPlugins||[])],schemaDescription:!0})',
    );
  });

  it.each([
    ['absent', 'x({plugins:[r]})'],
    ['ambiguous', 'shouldPersistHeaders:!0,plugins:[a] shouldPersistHeaders:!0,plugins:[b]'],
  ])('leaves a bundle alone when the list is %s', (_, bundle) => {
    expect(withExtraPlugins(bundle)).toEqual({ js: bundle, patched: false });
  });
});
