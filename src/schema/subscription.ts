/**
 * Live (SPEC section 2): `subscription { graphChanged(kinds:, slugs:) }` over SSE, one event per
 * committed write. Subscribing needs what reads need (the `read` scope when
 * REQUIRE_AUTH_FOR_READS). Events come from ctx.live (src/live), in process or through Redis.
 */
import type { CHANGE_KINDS, GraphChangeEvent } from '../live/changes.js';
import { clearRequestCache } from '../graph/entity-loaders.js';
import type { EntityKind } from '../graph/model.js';
import type { Context } from '../context.js';
import { builder, missingScopeError } from './builder.js';
import { mayRead } from '../auth.js';
import { EntityKindEnum } from './enums.js';
import { ImportGraphPayload } from './payloads.js';
import { EntityRef } from './refs.js';
import { RelationshipRef } from './traversals.js';
import { ClaimChangeRef, claimChangesOf } from './claims.js';
import { parseChangeId } from '../claims/change-log.js';
import { noteEventId } from '../plugins/use-sse-event-ids.js';

export const ChangeKindEnum = builder.enumType('ChangeKind', {
  description: 'What a committed write did.',
  values: {
    CREATED: { description: 'An entity was created (an upsert of a new slug).' },
    UPDATED: {
      description: 'An entity was written again: its properties, sources or (deals) parties may have changed.',
    },
    DELETED: { description: 'An entity was deleted with its relationships (`entity` is how it was).' },
    CONNECTED: { description: 'A relationship was created or its properties set.' },
    DISCONNECTED: { description: 'A relationship was removed (`relationship` is how it was).' },
    IMPORTED: {
      description: 'A batch was imported (importGraph or one batch of the import CLI); `imported` has its counts.',
    },
  } satisfies Record<(typeof CHANGE_KINDS)[number], { description: string }>,
});

const GraphChangeRef = builder.objectRef<GraphChangeEvent>('GraphChange').implement({
  description: 'One committed write, as `graphChanged` subscribers hear it.',
  fields: (t) => ({
    id: t.string({
      nullable: true,
      description:
        'Its change-log id (the id of its last claim change; over SSE also the event id): `graphChanged(after:)` ' +
        'and `Last-Event-ID` resume after it. Null for a write that changed no claim (a CLI import batch, a purge).',
      resolve: (e) => e.id ?? null,
    }),
    change: t.field({ type: ChangeKindEnum, resolve: (e) => e.change }),
    entity: t.field({
      type: EntityRef,
      nullable: true,
      description: 'The entity created, updated or deleted (as written; null for relationship changes and imports).',
      resolve: (e) => e.entity,
    }),
    relationship: t.field({
      type: RelationshipRef,
      nullable: true,
      description: 'The relationship connected or disconnected (null otherwise).',
      resolve: (e) => e.relationship,
    }),
    at: t.field({ type: 'DateTime', description: 'When the write committed.', resolve: (e) => e.at }),
    imported: t.field({
      type: ImportGraphPayload,
      nullable: true,
      description: 'IMPORTED: what the batch wrote (null otherwise).',
      resolve: (e) => e.counts,
    }),
    claimChanges: t.field({
      type: [ClaimChangeRef],
      description: 'What the write did to claims: recorded, ended, retracted (the entries changesBetween gives).',
      resolve: (e, _args, ctx) => claimChangesOf(ctx, e.claimChanges ?? []),
    }),
  }),
});

/**
 * Whom a subscription counts against for MAX_SUBSCRIPTIONS_PER_TOKEN: a valid credential's
 * identity (an API key; a JWT's issuer and subject); anyone else (no token, or one that does not
 * verify while reads are public) by client address, and without one (no socket) in one bucket.
 */
function subscriptionCaller(ctx: Pick<Context, 'auth' | 'clientAddress'>): string {
  if (ctx.auth.authenticated && ctx.auth.identity) return ctx.auth.identity;
  return `anonymous:${ctx.clientAddress ?? 'unknown'}`;
}

builder.subscriptionType({ authScopes: { read: true } });

builder.subscriptionField('graphChanged', (t) =>
  t.field({
    type: GraphChangeRef,
    description:
      'Every committed write, as it happens (over SSE). `kinds` and `slugs` narrow it: ' +
      'a relationship matches when either endpoint does; ' +
      'an IMPORTED batch matches on its kinds and every slug (it does not list its slugs). ' +
      'A subscriber more than SUBSCRIPTION_QUEUE_MAX events behind gets a SUBSCRIBER_TOO_SLOW error and is closed. ' +
      'Priced and limited like a query with the same selection; open subscriptions are capped ' +
      '(MAX_SUBSCRIPTIONS, MAX_SUBSCRIPTIONS_PER_TOKEN: TOO_MANY_SUBSCRIPTIONS); one opened with a JWT ' +
      'ends with UNAUTHENTICATED when the token expires.',
    args: {
      kinds: t.arg({ type: [EntityKindEnum], required: false }),
      slugs: t.arg.stringList({ required: false }),
      after: t.arg.string({
        required: false,
        description:
          'Resume: first every change after this change id, from the change log, then live ones, each once and in ' +
          'order. Over SSE the Last-Event-ID header does the same. CHANGE_LOG_EXPIRED when older than the log keeps.',
      }),
    },
    subscribe: async (_root, args, ctx) => {
      // Checked here, before the stream opens (scope-auth would check each event's resolve).
      const canRead = mayRead(ctx.config.auth, ctx.auth);
      if (!canRead) throw missingScopeError(ctx, 'Subscription.graphChanged');
      if (!ctx.live) throw new Error('Subscriptions need a server with a live graph');
      const filter = { kinds: args.kinds as EntityKind[] | null | undefined, slugs: args.slugs };
      const options = { caller: subscriptionCaller(ctx), expiresAt: ctx.auth.expiresAt };
      const after = args.after ?? ctx.lastEventId;
      if (after == null) return ctx.live.subscribe(filter, options);
      return ctx.live.resume(filter, options, parseChangeId(after, args.after != null ? 'after' : 'Last-Event-ID'));
    },
    resolve: (event, _args, ctx) => {
      // One context serves the whole subscription: drop what earlier events loaded.
      clearRequestCache(ctx);
      // Its id for the SSE `id:` field (use-sse-event-ids.ts), whatever the client selected.
      noteEventId(ctx, event.id);
      return event;
    },
  }),
);
