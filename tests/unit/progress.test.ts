/** Progress output on a terminal and off one (a log file, a pipe): what `npm run generate > log` gets. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { progressPerGroup } from '../../src/cli/generate.js';
import { Progress } from '../../src/import/progress.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

function output(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, out: { isTTY, columns: 100, write: (s: string) => writes.push(s) } };
}

describe('Progress off a terminal', () => {
  it('writes a plain line at most every 5 seconds, then one final line', () => {
    const { writes, out } = output(false);
    const progress = new Progress('importing', 1000, out);
    for (let done = 100; done < 1000; done += 100) {
      vi.advanceTimersByTime(1_000); // 9 updates, one a second
      progress.update(done);
    }
    expect(writes).toHaveLength(1); // at 5 s
    expect(writes[0]).toMatch(/^importing: 50\.0% 500\/1,000 rows · 100 rows\/s · ETA 0:05\n$/);
    vi.advanceTimersByTime(1_000);
    progress.update(1000);
    progress.finish();
    expect(writes).toHaveLength(2);
    expect(writes[1]).toBe('importing: 100.0% 1,000/1,000 rows · 100 rows/s · in 10.0s\n');
    expect(writes.join('')).not.toContain('\r');
  });

  it('ends with a line for what was done when stopped short of the total', () => {
    const { writes, out } = output(false);
    const progress = new Progress('importing', 1000, out);
    progress.update(300);
    progress.finish();
    progress.finish();
    expect(writes).toEqual([expect.stringMatching(/^importing: 30\.0% 300\/1,000 rows .* ETA/)]);
  });
});

describe('Progress on a terminal', () => {
  it('redraws one line in place and ends it with a newline', () => {
    const { writes, out } = output(true);
    const progress = new Progress('importing', 100, out);
    vi.advanceTimersByTime(200);
    progress.update(50);
    progress.update(60); // within 100 ms of the last draw: not drawn
    vi.advanceTimersByTime(200);
    progress.update(100);
    expect(writes).toHaveLength(3);
    // Each draw goes back to the line's start and clears it (\r, then ESC [2K).
    expect(writes.slice(0, 2).every((w) => w.startsWith('\r\u001b[2Kimporting ['))).toBe(true);
    expect(writes[0]).toMatch(/importing \[█+░+\] 50\.0% 50\/100 rows/);
    expect(writes[1]).toMatch(/importing \[█+\] 100\.0% 100\/100 rows .* in 0\.4s$/);
    expect(writes[2]).toBe('\n');
  });
});

describe('generate’s progress', () => {
  it('gives each label and relationship type its own lines, ending each with a final one', () => {
    const { writes, out } = output(false);
    const onProgress = progressPerGroup(out);
    vi.advanceTimersByTime(6_000);
    onProgress({ phase: 'entities', group: 'Company', done: 500, total: 1000 });
    onProgress({ phase: 'entities', group: 'Company', done: 1000, total: 1000 });
    onProgress({ phase: 'relationships', group: 'LEADS', done: 40, total: 80 });
    vi.advanceTimersByTime(1_000);
    onProgress({ phase: 'relationships', group: 'LEADS', done: 80, total: 80 });
    // Company's half-way update came before its first 5 s were up: no line for it.
    expect(writes.map((w) => w.split(' · ')[0])).toEqual([
      '  entities Company: 100.0% 1,000/1,000 rows',
      '  relationships LEADS: 100.0% 80/80 rows',
    ]);
    expect(writes.every((w) => w.endsWith('\n') && !w.includes('\r'))).toBe(true);
  });
});
