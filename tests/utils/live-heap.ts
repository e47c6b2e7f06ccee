/**
 * The live heap of a Node process started with `--inspect=127.0.0.1:0`: the V8 heap in use right
 * after a full garbage collection, asked through the process's inspector. Unlike RSS, which keeps
 * whatever V8 once reserved and depends on when it last collected, this is what the process still
 * holds, so it is the number a leak check can compare.
 */
import { execFile } from 'node:child_process';

/** The inspector's WebSocket address, from the "Debugger listening on ws://…" line on stderr. */
export function inspectorUrl(stderr: string): string | undefined {
  return /Debugger listening on (ws:\/\/\S+)/.exec(stderr)?.[1];
}

// Node 20 has a WebSocket client only behind a flag, so a short child process speaks to the
// inspector: a full collection, then the heap in use.
const PROBE = `
const ws = new WebSocket(process.argv[1]);
const pending = new Map();
let next = 0;
const call = (method) => new Promise((resolve, reject) => {
  const id = ++next;
  pending.set(id, { resolve, reject });
  ws.send(JSON.stringify({ id, method }));
});
ws.onmessage = (event) => {
  const message = JSON.parse(event.data);
  const waiting = pending.get(message.id);
  if (!waiting) return;
  pending.delete(message.id);
  if (message.error) waiting.reject(new Error(message.error.message));
  else waiting.resolve(message.result);
};
ws.onerror = () => { console.error('cannot reach the inspector'); process.exit(2); };
ws.onopen = async () => {
  await call('HeapProfiler.enable');
  await call('HeapProfiler.collectGarbage');
  await call('HeapProfiler.collectGarbage');
  const usage = await call('Runtime.getHeapUsage');
  console.log(usage.usedSize);
  ws.close();
};
`;

/** The process's live heap in MB, after two full collections. */
export function liveHeapMb(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--experimental-websocket', '--no-warnings', '-e', PROBE, url],
      { timeout: 60_000 },
      (error, stdout, stderr) => {
        const bytes = Number(stdout.trim());
        if (error || !Number.isFinite(bytes) || bytes <= 0)
          reject(new Error(`live heap not measured: ${error?.message ?? ''} ${stderr}`));
        else resolve(bytes / 1024 / 1024);
      },
    );
  });
}
