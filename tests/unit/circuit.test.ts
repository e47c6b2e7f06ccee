import { describe, expect, it } from 'vitest';
import { Circuit } from '../../src/neo4j/circuit.js';
import { waitUntil } from '../utils/wait.js';

const never = <T>() => new Promise<T>(() => {});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('circuit in front of the database', () => {
  it('refuses at once while open, without calling the database', async () => {
    let up = false;
    const circuit = new Circuit({ probe: async () => up, probeIntervalMs: 20 });
    circuit.open('test');
    let called = 0;
    // "At once": the refusal settles before the next turn of the event loop, so it cannot be
    // waiting on the probe's timer or any other (no clock, so no bound a loaded machine can miss).
    let refusal: unknown;
    void circuit
      .run(async () => ++called)
      .catch((error: unknown) => {
        refusal = error;
      });
    await new Promise((r) => setImmediate(r));
    expect(refusal).toMatchObject({ extensions: { code: 'DATABASE_UNAVAILABLE' } });
    expect(called).toBe(0);
    up = true;
    expect(await waitUntil(() => !circuit.isOpen)).toBe(true); // the background probe closes it
    expect(await circuit.run(async () => ++called)).toBe(1);
    circuit.dispose();
  });

  it('a slow call makes it probe; a failed probe cuts the call short with DATABASE_UNAVAILABLE', async () => {
    let probes = 0;
    const circuit = new Circuit({ probe: async () => (probes++, false), suspectAfterMs: 30, probeIntervalMs: 10_000 });
    const started = performance.now();
    await expect(circuit.run(() => never())).rejects.toMatchObject({ extensions: { code: 'DATABASE_UNAVAILABLE' } });
    // The call never settles, so only the circuit ended it; the bound only tells that apart from
    // the test's own timeout, with seconds to spare for a loaded machine.
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(probes).toBe(1);
    expect(circuit.isOpen).toBe(true);
    circuit.dispose();
  });

  it('a slow call on a healthy database is left alone', async () => {
    const circuit = new Circuit({ probe: async () => true, suspectAfterMs: 10 });
    const answer = await circuit.run(async () => {
      await sleep(80);
      return 'slow but fine';
    });
    expect(answer).toBe('slow but fine');
    expect(circuit.isOpen).toBe(false);
  });

  it('probes one at a time however many calls are slow', async () => {
    let probes = 0;
    let release: (up: boolean) => void = () => {};
    const circuit = new Circuit({
      probe: () => {
        probes++;
        return new Promise<boolean>((ok) => (release = ok));
      },
      suspectAfterMs: 10,
    });
    const calls = Array.from({ length: 20 }, () => circuit.run(() => sleep(60).then(() => 'ok')));
    // Each call's 10 ms suspicion timer fires before its own 60 ms answer, however late timers
    // run: once every call has answered, all 20 have suspected while the first probe hung.
    expect(await Promise.all(calls)).toEqual(Array(20).fill('ok'));
    expect(probes).toBe(1);
    release(true);
    expect(await circuit.probeNow()).toBe(true); // the hung probe's own answer, not a new probe
    expect(probes).toBe(1);
    expect(circuit.isOpen).toBe(false);
  });

  it('a probe that times out once does not open it (a starved machine is slow, not down); twice in a row does', async () => {
    const answers: Array<boolean | 'timeout'> = ['timeout', true, 'timeout', 'timeout'];
    const circuit = new Circuit({ probe: async () => answers.shift()!, probeIntervalMs: 10_000 });
    expect(await circuit.probeNow()).toBe(false);
    expect(circuit.isOpen).toBe(false);
    expect(await circuit.probeNow()).toBe(true); // an answer resets the count
    await circuit.probeNow();
    expect(circuit.isOpen).toBe(false);
    await circuit.probeNow();
    expect(circuit.isOpen).toBe(true);
    circuit.dispose();
  });
});
