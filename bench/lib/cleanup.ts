// Everything the harness starts (dev servers, worker and API processes) registers a last-resort stop
// here, so an interrupted run (Ctrl-C, a crash) still kills its own children, and only those, by PID.
import { readdirSync, readFileSync } from 'node:fs';

const actions = new Set<() => void>();

export function registerCleanup(action: () => void): () => void {
  actions.add(action);
  return () => actions.delete(action);
}

/**
 * PIDs whose parent is this process: every one of them was started by the harness (or by the SDK on
 * its behalf, such as the time-skipping test server), so they are ours to stop.
 */
function ownChildren(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

function runAll(): void {
  for (const action of [...actions]) {
    try {
      action();
    } catch {
      // best effort: keep stopping the others
    }
  }
  actions.clear();
  for (const pid of ownChildren()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

let installed = false;
export function installCleanupHandlers(): void {
  if (installed) return;
  installed = true;
  process.once('exit', runAll);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      runAll();
      process.exit(130);
    });
  }
}
