/**
 * The provenance panel: for an edge (its relationship claim) or a value (every claim its field
 * has had), who says so (citations with their quotes), when it held (validFrom/validTo), when the
 * graph learned it (recordedAt) or stopped asserting it (retractedAt), and where claims conflict.
 * Conflicting claims are both shown, never merged.
 */
import { el, fieldLabel, instantText, propertyText, validityText, validOn } from './dom.js';
import { request, type ResultOf } from './graphql.js';
import { ClaimProvenance, type ClaimFields, ValueHistory } from './queries.js';

type Claim = ResultOf<typeof ClaimFields>;
type ClaimWithConflicts = Claim & { conflicts: readonly Claim[] };

export interface ProvenanceActions {
  showSource(id: string): void;
  select(slug: string): void;
}

function citationList(claim: Claim): HTMLElement {
  if (claim.citations.length === 0) return el('p', { className: 'meta no-citation' }, 'No citation recorded.');
  return el(
    'ul',
    { className: 'citations' },
    ...claim.citations.map(({ quote, locator, source }) => {
      const where = [source.publisher, source.publishedOn, locator].filter(Boolean).join(' · ');
      return el(
        'li',
        {},
        quote ? el('blockquote', { className: 'quote' }, `« ${quote} »`) : '',
        el(
          'p',
          { className: 'cited-source' },
          '— ',
          el('a', { href: `?source=${encodeURIComponent(source.id)}`, dataset: { source: source.id } }, source.title),
          where ? el('span', { className: 'meta' }, ` ${where}`) : '',
        ),
      );
    }),
  );
}

function claimFacts(claim: Claim): HTMLElement {
  const facts = el('dl', { className: 'props claim-facts' });
  const add = (label: string, value: string) => facts.append(el('dt', {}, label), el('dd', {}, value));
  add('Valid', validityText(claim.validFrom, claim.validTo));
  add('Recorded', instantText(claim.recordedAt));
  if (claim.retractedAt)
    add('Retracted', `${instantText(claim.retractedAt)}${claim.retractReason ? `: ${claim.retractReason}` : ''}`);
  if (claim.confidence !== null && claim.confidence !== undefined)
    add('Confidence', `${Math.round(claim.confidence * 100)}%`);
  return facts;
}

function valueText(claim: Claim): string {
  if (claim.kind === 'ENTITY') return 'Exists';
  if (claim.kind === 'RELATIONSHIP') return 'Holds';
  return claim.value === null || claim.value === undefined
    ? '(no value)'
    : propertyText(claim.field ?? '', claim.value);
}

/** Where claims disagree: in full for a lone claim, one line each when the others have cards too. */
function conflictsBox(claim: ClaimWithConflicts, inFull: boolean): HTMLElement {
  return el(
    'div',
    { className: 'conflicts' },
    el('p', { className: 'conflict-title' }, `⚠ Conflicts with ${claim.conflicts.length} other claim(s):`),
    ...claim.conflicts.map((other) =>
      el(
        'div',
        { className: 'conflict', dataset: { claimId: other.id } },
        el('p', {}, el('strong', {}, valueText(other)), ` ${validityText(other.validFrom, other.validTo)}`),
        inFull ? citationList(other) : '',
      ),
    ),
  );
}

/** One claim as a card, marked when it is the one in force on `day`. */
function claimCard(claim: ClaimWithConflicts, inForce: boolean, day: string, alone: boolean): HTMLElement {
  const heading = el('p', { className: 'claim-value' }, el('strong', {}, valueText(claim)));
  if (inForce) heading.append(' ', el('span', { className: 'tag in-force' }, `in force on ${day}`));
  if (claim.retractedAt) heading.append(' ', el('span', { className: 'tag retracted' }, 'retracted'));
  const card = el(
    'article',
    { className: `claim${claim.retractedAt ? ' is-retracted' : ''}`, dataset: { claimId: claim.id } },
    heading,
    claimFacts(claim),
    citationList(claim),
  );
  if (claim.conflicts.length) card.append(conflictsBox(claim, alone));
  return card;
}

/** The claim in force on `day`: valid then, not retracted, newest recorded (the list is newest first). */
function inForceOn(claims: readonly Claim[], day: string): Claim | undefined {
  return claims.find((c) => !c.retractedAt && validOn(day, c.validFrom, c.validTo));
}

function claimCards(claims: readonly ClaimWithConflicts[], day: string): HTMLElement[] {
  const current = inForceOn(claims, day);
  return claims.map((claim) => claimCard(claim, claim === current, day, claims.length === 1));
}

export class ProvenancePanel {
  private request = 0;

  constructor(
    private readonly section: HTMLElement,
    private readonly actions: ProvenanceActions,
  ) {
    section.addEventListener('click', (e) => {
      const target = (e.target as HTMLElement).closest<HTMLElement>('[data-source], [data-slug]');
      if (!target) return;
      e.preventDefault();
      if (target.dataset.source) this.actions.showSource(target.dataset.source);
      else if (target.dataset.slug) this.actions.select(target.dataset.slug);
    });
  }

  close(): void {
    this.request += 1;
    this.section.hidden = true;
    this.section.replaceChildren();
  }

  private open(kicker: string, title: Node | string, ...body: Array<Node | string>): void {
    const close = el('button', { type: 'button', className: 'close', ariaLabel: 'Close provenance' }, '×');
    close.addEventListener('click', () => this.close());
    this.section.replaceChildren(
      el('div', { className: 'provenance-head' }, el('p', { className: 'kicker' }, kicker), close),
      el('h3', { className: 'provenance-title' }, title),
      ...body,
    );
    this.section.hidden = false;
    this.section.scrollIntoView({ block: 'nearest' });
  }

  /** A relationship claim (an edge) or an existence claim, with the relationship's own values. */
  async showClaim(claimId: string, day: string): Promise<void> {
    const id = ++this.request;
    const { claim } = await request(ClaimProvenance, { id: claimId });
    if (id !== this.request) return;
    if (!claim) return this.open('Provenance', 'This claim is no longer in the graph.');
    const rel = claim.relationship;
    const title = rel
      ? [this.entityLink(rel.from.slug, rel.from.name), ` ${rel.type} `, this.entityLink(rel.to.slug, rel.to.name)]
      : [`${claim.entity?.name ?? 'An entity'} is in the graph`];
    const values = rel?.claims.filter((c) => c.kind === 'VALUE') ?? [];
    const fields = [...new Set(values.map((c) => c.field ?? ''))];
    this.open(
      claim.kind === 'RELATIONSHIP' ? 'Relationship claim' : 'Existence claim',
      el('span', {}, ...title),
      ...claimCards([claim], day),
      ...fields.flatMap((field) => [
        el('h4', {}, `Its ${fieldLabel(field).toLowerCase()}`),
        ...claimCards(
          values.filter((c) => c.field === field),
          day,
        ),
      ]),
    );
  }

  /** Every value `field` of an entity has had, newest recorded first. */
  async showValue(slug: string, field: string, label: string, asOf: string | null, day: string): Promise<void> {
    const id = ++this.request;
    const { entity } = await request(ValueHistory, { slug, field, asOf });
    if (id !== this.request) return;
    if (!entity) return this.open('Value history', `No entity "${slug}" on ${day}.`);
    this.open(
      'Value history',
      `${entity.name}: ${label}`,
      el('p', { className: 'meta' }, `${entity.claims.length} claim(s), newest recorded first.`),
      ...claimCards(entity.claims, day),
    );
  }

  private entityLink(slug: string, name: string): HTMLElement {
    return el('button', { type: 'button', className: 'linklike', dataset: { slug } }, name);
  }
}
