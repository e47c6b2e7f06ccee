/**
 * The details panel of one entity as read at the slider's day: its sourced values (each opens
 * its history in the provenance panel), its existence, relationships (each opens its claim),
 * sources and actions.
 */
import { writeToken, tokenField } from './token.js';
import { el, fieldLabel, kindBadge, propertyText, usd, validityText } from './dom.js';
import type { Kind } from './graph-view.js';
import type { ResultOf } from './graphql.js';
import type { EntityDetails } from './queries.js';

export type Details = NonNullable<ResultOf<typeof EntityDetails>['entity']>;

export interface DetailsActions {
  select(slug: string): void;
  expand(slug: string): void;
  focus(slug: string): void;
  showSource(id: string): void;
  showClaim(claimId: string): void;
  showValue(field: string, label: string): void;
  pathFrom(slug: string): void;
  pathTo(slug: string): void;
  /** The link that opens a source in a shared URL. */
  sourceHref(sourceId: string): string;
  /** Merges `merge` into `keep` (mergeEntities); rejects with the reason it failed. */
  merge(keep: string, merge: string): Promise<void>;
  /** Undoes a merge (unmergeEntities). */
  undoMerge(mergeId: string): Promise<void>;
}

/** A merge to show over the kept entity: "<mergedSlug> was merged into <name>", with its undo. */
export interface MergeNote {
  mergedSlug: string;
  /** Null when the merge record could not be read (no undo offered then). */
  mergeId: string | null;
}

/** Each shown property: the key the query returns (aliased where kinds share a name), its claim field. */
const PROPERTIES: Array<[key: string, field: string]> = [
  ['companyKind', 'kind'],
  ['dealKind', 'kind'],
  ['country', 'country'],
  ['projectStatus', 'status'],
  ['datacenterStatus', 'status'],
  ['announcedOn', 'announcedOn'],
  ['pledgedUsd', 'pledgedUsd'],
  ['targetPowerMw', 'targetPowerMw'],
  ['location', 'location'],
  ['powerMw', 'powerMw'],
  ['targetDate', 'targetDate'],
  ['valueUsd', 'valueUsd'],
  ['startsOn', 'startsOn'],
  ['endsOn', 'endsOn'],
];

function button(text: string, onclick: () => void, className = ''): HTMLButtonElement {
  return el('button', { type: 'button', className, onclick }, text);
}

function propertiesList(entity: Details, actions: DetailsActions): HTMLElement {
  const props = el('dl', { className: 'props' });
  for (const [key, field] of PROPERTIES) {
    const label = fieldLabel(field);
    const value = (entity as Record<string, unknown>)[key];
    if (value === null || value === undefined) continue;
    const open = button(propertyText(field, value), () => actions.showValue(field, label), 'linklike value-link');
    open.dataset.field = field;
    open.title = `Who says so, since when: every ${label.toLowerCase()} claimed`;
    props.append(el('dt', {}, label), el('dd', {}, open));
  }
  const existence = entity.existence;
  if (existence) {
    const open = button(validityText(existence.validFrom, existence.validTo), () => actions.showClaim(existence.id));
    open.className = 'linklike value-link';
    open.dataset.field = 'existence';
    props.append(el('dt', {}, 'In the graph'), el('dd', {}, open));
  }
  if (entity.aliases.length) props.append(el('dt', {}, 'Also known as'), el('dd', {}, entity.aliases.join(', ')));
  return props;
}

function relationshipsList(entity: Details, actions: DetailsActions): HTMLElement {
  const list = el('ul', { className: 'relationships' });
  for (const edge of entity.relationships.edges) {
    const extras = [
      edge.role,
      edge.title,
      edge.amountUsd ? usd(edge.amountUsd) : null,
      edge.committedUsd ? `committed ${usd(edge.committedUsd)}` : null,
      edge.on,
      edge.since ? `since ${edge.since}` : null,
    ].filter(Boolean);
    const arrow = edge.direction === 'OUT' ? '→' : '←';
    const why = button('sources', () => actions.showClaim(edge.claimId), 'small claim-link');
    why.title = `Citations of this relationship (valid ${validityText(edge.validFrom, edge.validTo)})`;
    why.dataset.claimId = edge.claimId;
    list.append(
      el(
        'li',
        {},
        `${arrow} ${edge.type} `,
        button(edge.node.name, () => actions.select(edge.node.slug), 'linklike'),
        ' ',
        kindBadge(edge.node.entityKind as Kind),
        extras.length ? ` (${extras.join(', ')})` : '',
        ' ',
        why,
      ),
    );
  }
  return list;
}

function sourcesList(entity: Details, actions: DetailsActions): HTMLElement {
  if (!entity.sources.length) return el('p', { className: 'meta' }, 'No source recorded.');
  const list = el('ul', { className: 'sources' });
  for (const source of entity.sources) {
    const meta = [source.publisher, source.publishedOn, source.language].filter(Boolean).join(' · ');
    const open = el('a', { href: actions.sourceHref(source.id), className: 'source-link' }, source.title);
    open.addEventListener('click', (e) => {
      e.preventDefault();
      actions.showSource(source.id);
    });
    const item = el('li', {}, open, meta ? el('span', { className: 'meta' }, ` ${meta}`) : '');
    if (source.url)
      item.append(
        ' ',
        el(
          'a',
          { href: source.url, target: '_blank', rel: 'noopener noreferrer', className: 'external' },
          'original ↗',
        ),
      );
    list.append(item);
  }
  return list;
}

function actionButtons(entity: Details, actions: DetailsActions): HTMLElement {
  return el(
    'div',
    { className: 'actions' },
    button('Expand neighbours', () => actions.expand(entity.slug)),
    button('Focus here', () => actions.focus(entity.slug)),
    el(
      'span',
      { className: 'path-buttons' },
      button('Path from here', () => actions.pathFrom(entity.slug)),
      button('Path to here', () => actions.pathTo(entity.slug)),
    ),
  );
}

/** "<slug> was merged into <name>", and Undo merge when there is a write token to send. */
function mergeNote(entity: Details, note: MergeNote, actions: DetailsActions): HTMLElement {
  const box = el('div', { className: 'merge-note', role: 'note' });
  const message = el('p', { className: 'merge-status', role: 'status' });
  box.append(el('p', {}, el('strong', {}, note.mergedSlug), ` was merged into ${entity.name}.`));
  const { mergeId } = note;
  if (mergeId && writeToken()) {
    const undo = button('Undo merge', () => {
      undo.disabled = true;
      message.textContent = 'Undoing the merge…';
      actions.undoMerge(mergeId).catch((error: Error) => {
        undo.disabled = false;
        message.textContent = `Undo failed: ${error.message}`;
      });
    });
    box.append(undo);
  } else if (mergeId) {
    box.append(el('p', { className: 'meta' }, 'Enter a write token (Merge into… below) to undo it.'));
  }
  box.append(message);
  return box;
}

/** "Merge into…": this entity merged into another one named by its slug (write token needed). */
function mergeForm(entity: Details, actions: DetailsActions): HTMLElement {
  const open = button('Merge into…', () => {
    form.hidden = !form.hidden;
    open.setAttribute('aria-expanded', String(!form.hidden));
    if (!form.hidden) target.focus();
  });
  open.setAttribute('aria-expanded', 'false');
  open.setAttribute('aria-controls', 'merge-form');
  const target = el('input', {
    id: 'merge-target',
    required: true,
    placeholder: 'slug, e.g. oracle',
    autocomplete: 'off',
  });
  const message = el('p', { className: 'merge-status', role: 'status' });
  const submit = el('button', { type: 'submit' }, 'Merge');
  const form = el(
    'form',
    { id: 'merge-form', className: 'merge-form', hidden: true },
    el('p', { className: 'meta' }, `${entity.name} becomes a redirect to the entity you name; its claims move there.`),
    el('label', { htmlFor: 'merge-target' }, 'Entity to keep (slug)'),
    ' ',
    target,
    ' ',
    tokenField('merge-token'),
    ' ',
    submit,
    ' ',
    button('Cancel', () => {
      form.hidden = true;
      open.setAttribute('aria-expanded', 'false');
      open.focus();
    }),
    message,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const keep = target.value.trim();
    if (!keep) return;
    if (keep === entity.slug) {
      message.textContent = 'An entity cannot be merged into itself.';
      return;
    }
    submit.disabled = true;
    message.textContent = `Merging ${entity.slug} into ${keep}…`;
    actions.merge(keep, entity.slug).catch((error: Error) => {
      submit.disabled = false;
      message.textContent = `Merge failed: ${error.message}`;
    });
  });
  return el('div', { className: 'merge' }, open, form);
}

export function renderDetails(
  panel: HTMLElement,
  entity: Details,
  actions: DetailsActions,
  note: MergeNote | null = null,
): void {
  panel.replaceChildren(
    el('h2', {}, entity.name, ' ', kindBadge(entity.entityKind as Kind)),
    el('p', { className: 'slug' }, entity.slug),
    note ? mergeNote(entity, note, actions) : '',
    entity.description ? el('p', {}, entity.description) : '',
    actionButtons(entity, actions),
    propertiesList(entity, actions),
    el('p', { className: 'meta hint-values' }, 'Click a value to see who claims it, since when, and any conflict.'),
    el('h3', {}, `Relationships (${entity.relationships.edges.length})`),
    relationshipsList(entity, actions),
    el('h3', {}, `Sources (${entity.sources.length})`),
    sourcesList(entity, actions),
    el('h3', {}, 'Identity'),
    mergeForm(entity, actions),
  );
}
