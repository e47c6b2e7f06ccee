/**
 * The time slider: a range over the days where claims change (changesBetween, about the focused
 * entity or the whole graph), with a mark on each such day. Its rightmost position is today,
 * which reads the graph with no `asOf`; any other position reads it as of that day.
 */
import { byId, dayNumber, el, fieldLabel, isoOfDay, longDate, propertyText, shortDate, todayIso } from './dom.js';
import { request, type ResultOf } from './graphql.js';
import { Changes } from './queries.js';

type Change = ResultOf<typeof Changes>['changesBetween'][number];

/** The earliest day changesBetween is asked about: before any claim a graph of today holds. */
const EARLIEST = '1900-01-01';
/** The API's page size limit: more changes than this in one scope are reported, not read. */
const MAX_CHANGES = 100;
/** Moving the thumb re-reads the graph once it has rested this long. */
const SETTLE_MS = 250;

/** One line for a change: "Stargate: status ANNOUNCED begins". */
export function describeChange(c: Change): string {
  const ends = c.change === 'ENDED';
  const who = c.entity?.name ?? 'An entity';
  if (c.claim.kind === 'ENTITY') return `${who} ${ends ? 'ends' : 'appears'}`;
  const rel = c.claim.relationship;
  if (c.claim.kind === 'RELATIONSHIP' && rel)
    return `${rel.from.name} ${rel.type} ${rel.to.name} ${ends ? 'ends' : 'begins'}`;
  const field = c.claim.field ?? '';
  const value = c.claim.value === null || c.claim.value === undefined ? '' : ` ${propertyText(field, c.claim.value)}`;
  const label = field ? fieldLabel(field).toLowerCase() : 'a value';
  return `${who}: ${label}${value} ${ends ? 'ends' : 'begins'}`;
}

export class TimeSlider {
  private readonly slider = byId<HTMLInputElement>('time-slider');
  private readonly marksEl = byId<HTMLDivElement>('time-marks');
  private readonly axisEl = byId<HTMLDivElement>('time-axis');
  private readonly dateEl = byId<HTMLElement>('as-of-date');
  private readonly changesEl = byId<HTMLParagraphElement>('time-changes');
  private readonly scopeEl = byId<HTMLSelectElement>('timeline-scope');
  private readonly barEl = byId<HTMLElement>('timeline');
  /** Changes by ISO day, sorted by day. */
  private marks = new Map<string, Change[]>();
  private settleTimer: number | undefined;
  private marksRequest = 0;
  private within: string | null = null;
  /** The chosen day (null = today, no `asOf`). */
  asOf: string | null = null;

  constructor(private readonly onChange: (asOf: string | null) => void) {
    this.slider.addEventListener('input', () => this.moved(false));
    this.slider.addEventListener('change', () => this.moved(true));
    byId<HTMLButtonElement>('time-prev').addEventListener('click', () => this.step(-1));
    byId<HTMLButtonElement>('time-next').addEventListener('click', () => this.step(1));
    byId<HTMLButtonElement>('time-today').addEventListener('click', () => this.choose(null));
    this.scopeEl.addEventListener('change', () => void this.loadMarks(this.within));
    this.setRange(dayNumber(todayIso()) - 365, dayNumber(todayIso()));
    window.addEventListener('resize', () => this.renderAxis());
    this.show();
  }

  /** Reads the marks for `within` (an entity slug; the whole graph when null or so chosen). */
  async loadMarks(within: string | null): Promise<void> {
    this.within = within;
    const id = ++this.marksRequest;
    const scope = this.scopeEl.value === 'graph' || !within ? null : within;
    this.scopeEl.disabled = !within;
    const { changesBetween } = await request(Changes, {
      from: EARLIEST,
      to: todayIso(),
      within: scope,
      first: MAX_CHANGES,
    });
    if (id !== this.marksRequest) return; // a newer focus asked for its own marks
    this.marks = new Map();
    for (const change of [...changesBetween].sort((a, b) => (a.on ?? '').localeCompare(b.on ?? ''))) {
      if (!change.on || (change.change !== 'STARTED' && change.change !== 'ENDED')) continue;
      this.marks.set(change.on, [...(this.marks.get(change.on) ?? []), change]);
    }
    const truncated = changesBetween.length >= MAX_CHANGES ? ` (the first ${MAX_CHANGES} changes)` : '';
    this.barEl.dataset.marks = String(this.marks.size);
    this.barEl.dataset.scope = scope ? `${scope}${truncated}` : `graph${truncated}`;
    this.fitRange();
    this.show();
  }

  /** Moves the slider to a day (null = today) and, unless told not to, re-reads the view. */
  choose(asOf: string | null, notify = true): void {
    const today = todayIso();
    const day = asOf && asOf < today ? asOf : null;
    if (day === this.asOf && notify) return;
    if (day && dayNumber(day) < Number(this.slider.min)) this.setRange(dayNumber(day) - 30, dayNumber(today));
    this.slider.value = String(day ? dayNumber(day) : this.slider.max);
    if (notify) this.moved(true);
    else {
      this.asOf = day;
      this.show();
    }
  }

  private moved(final: boolean): void {
    const day = Number(this.slider.value);
    const next = day >= Number(this.slider.max) ? null : isoOfDay(day);
    const changed = next !== this.asOf;
    this.asOf = next;
    this.show();
    window.clearTimeout(this.settleTimer);
    if (!changed && !final) return;
    if (final) this.onChange(this.asOf);
    else this.settleTimer = window.setTimeout(() => this.onChange(this.asOf), SETTLE_MS);
  }

  /** The first marked day after `day`, if any. */
  nextChange(day: string): string | undefined {
    return [...this.marks.keys()].find((d) => d > day);
  }

  /** To the previous (-1) or next (+1) marked day; past the last one is today. */
  private step(direction: -1 | 1): void {
    const days = [...this.marks.keys()];
    const current = this.asOf ?? todayIso();
    const target =
      direction < 0 ? days.filter((d) => d < current).at(-1) : days.find((d) => d > current && d < todayIso());
    if (target) this.choose(target);
    else if (direction > 0) this.choose(null);
  }

  private setRange(min: number, max: number): void {
    this.slider.min = String(min);
    this.slider.max = String(max);
  }

  /** From a little before the first marked day (so "before it all" can be chosen) to today. */
  private fitRange(): void {
    const today = dayNumber(todayIso());
    const days = [...this.marks.keys()].map(dayNumber);
    const first = Math.min(today - 30, ...days, this.asOf ? dayNumber(this.asOf) : today);
    const padding = Math.max(30, Math.round((today - first) * 0.04));
    this.setRange(first - padding, today);
    this.slider.value = String(this.asOf ? dayNumber(this.asOf) : today);
    this.renderMarks();
  }

  /** Where a day sits along the track: the thumb's centre travels between 8px and 100% - 8px. */
  private position(day: number): string {
    const min = Number(this.slider.min);
    const span = Math.max(1, Number(this.slider.max) - min);
    return `calc(8px + (100% - 16px) * ${((day - min) / span).toFixed(5)})`;
  }

  private renderMarks(): void {
    const marks = [...this.marks.entries()].map(([day, changes]) => {
      const summary = changes.map(describeChange).join('\n');
      const mark = el('button', {
        type: 'button',
        className: 'mark',
        title: `${day}\n${summary}`,
        ariaLabel: `${day}: ${changes.length} change${changes.length === 1 ? '' : 's'}`,
        dataset: { day },
        onclick: () => this.choose(day),
      });
      mark.style.left = this.position(dayNumber(day));
      return mark;
    });
    this.marksEl.replaceChildren(...marks);
    this.renderAxis();
  }

  /**
   * Labels under the track: "today" at the right end and, from the left, the marked days (or,
   * with no marks, each 1 January), skipping any that would overlap the one before it.
   */
  private renderAxis(): void {
    const min = Number(this.slider.min);
    const max = Number(this.slider.max);
    const width = this.marksEl.clientWidth || 800;
    const px = (day: number) => 8 + ((width - 16) * (day - min)) / Math.max(1, max - min);
    const marked = [...this.marks.keys()].map(dayNumber);
    const years: number[] = [];
    for (let year = Number(isoOfDay(min).slice(0, 4)) + 1; year <= Number(isoOfDay(max).slice(0, 4)); year++)
      years.push(dayNumber(`${year}-01-01`));
    const labels: HTMLElement[] = [];
    const half = 38; // half a label's width, in px
    let lastRight = Number.NEGATIVE_INFINITY;
    for (const day of marked.length ? marked : years) {
      const centre = Math.max(half, px(day));
      if (centre - half < lastRight + 6 || centre + half > width - 44) continue; // overlaps, or "today"
      const iso = isoOfDay(day);
      const label = el('span', { className: 'axis-label' }, marked.length ? shortDate(iso) : iso.slice(0, 4));
      label.style.left = `${centre}px`;
      labels.push(label);
      lastRight = centre + half;
    }
    labels.push(el('span', { className: 'axis-end' }, 'today'));
    this.axisEl.replaceChildren(...labels);
  }

  /** The chosen day in words, the bar's look (today or the past), and that day's changes. */
  private show(): void {
    const day = this.asOf;
    this.dateEl.textContent = day ? longDate(day) : `Today (${longDate(todayIso())})`;
    this.dateEl.dataset.asOf = day ?? '';
    this.barEl.classList.toggle('past', Boolean(day));
    document.body.classList.toggle('in-the-past', Boolean(day));
    for (const mark of this.marksEl.querySelectorAll<HTMLButtonElement>('.mark'))
      mark.classList.toggle('current', mark.dataset.day === day);
    const changes = day ? this.marks.get(day) : undefined;
    const days = [...this.marks.keys()];
    const before = days.filter((d) => d <= (day ?? todayIso())).at(-1);
    if (changes) this.changesEl.textContent = `Changed on this day: ${changes.map(describeChange).join('; ')}.`;
    else if (before) this.changesEl.textContent = `Latest change before this day: ${before} (marks show every change).`;
    else if (days.length) this.changesEl.textContent = 'Before the first recorded change.';
    else this.changesEl.textContent = 'No dated change in these claims: the graph looks the same at every date.';
    this.changesEl.title = this.changesEl.textContent;
  }
}
