// The machine and its load. Other engineers run test suites on this 2-core machine, so every measured
// phase first waits (bounded) for the 1-minute load average to fall below a threshold, and then records
// what else ran during the measurement: the CPU the whole machine used minus what the benchmark's own
// processes used (the dev server, the worker, the API and this process), read from /proc.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

export function loadAverage(): [number, number, number] {
  const [a = 0, b = 0, c = 0] = readFileSync('/proc/loadavg', 'utf8').split(/\s+/).map(Number);
  return [a, b, c];
}

export interface LoadGate {
  /** The 1-minute load average when the gate opened (or gave up). */
  load1: number;
  load5: number;
  waitedS: number;
  /** Whether load1 was below the threshold when the phase started. */
  met: boolean;
  threshold: number;
}

/** Waits up to `maxWaitS` for load1 < threshold, polling every 5 s; says honestly whether it got there. */
export async function waitForQuiet(
  label: string,
  threshold: number,
  maxWaitS: number,
  log: (line: string) => void,
): Promise<LoadGate> {
  const started = Date.now();
  let [load1, load5] = loadAverage();
  let announced = false;
  while (load1 >= threshold && (Date.now() - started) / 1000 < maxWaitS) {
    if (!announced) {
      log(`  ${label}: load1 ${load1.toFixed(2)} ≥ ${threshold}; waiting up to ${maxWaitS} s for it to drop`);
      announced = true;
    }
    await sleep(5_000);
    [load1, load5] = loadAverage();
  }
  const waitedS = Math.round((Date.now() - started) / 1000);
  const met = load1 < threshold;
  if (announced || !met) {
    log(
      `  ${label}: load1 ${load1.toFixed(2)} after ${waitedS} s${met ? '' : ' (gave up waiting: measured under load)'}`,
    );
  }
  return { load1, load5, waitedS, met, threshold };
}

const CLOCK_TICKS = 100; // USER_HZ on Linux

function machineJiffies(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const fields = line.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields;
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait };
}

/** Every process now: its parent and its utime + stime plus that of its reaped children, in jiffies. */
function processTable(): Map<number, { ppid: number; jiffies: number }> {
  const table = new Map<number, { ppid: number; jiffies: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name may contain spaces: fields start after the closing parenthesis.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const jiffies = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
      table.set(Number(entry), { ppid: Number(fields[1]), jiffies });
    } catch {
      // gone meanwhile
    }
  }
  return table;
}

/**
 * CPU of a process and all its descendants, live or reaped, in jiffies; 0 once it has gone. Live
 * children count too: PostgreSQL's backends are children of the postmaster that live as long as
 * temporal-server's connections do.
 */
function treeJiffies(pid: number, table = processTable()): number {
  const root = table.get(pid);
  if (!root) return 0;
  const children = new Map<number, number[]>();
  for (const [child, { ppid }] of table) children.set(ppid, [...(children.get(ppid) ?? []), child]);
  let total = 0;
  const stack = [pid];
  while (stack.length) {
    const next = stack.pop() as number;
    total += table.get(next)?.jiffies ?? 0;
    stack.push(...(children.get(next) ?? []));
  }
  return total;
}

export interface CpuUsage {
  seconds: number;
  /** Cores the whole machine kept busy on average. */
  machineCores: number;
  /** Cores used by the benchmark's own processes, by name. */
  ownCores: Record<string, number>;
  /** Cores used by everything else (other engineers' tests): machine minus our own. */
  foreignCores: number;
  load1Start: number;
  load1End: number;
  load1Max: number;
}

/** Measures CPU use over a phase: start() then stop(); `pids` may change while it runs (add()). */
export class CpuMeter {
  private readonly pids = new Map<string, number>();
  private readonly startJiffies = new Map<string, number>();
  private readonly alone = new Set<string>();
  private startMachine = machineJiffies();
  private startedAt = Date.now();
  private load1Start = loadAverage()[0];
  private load1Max = this.load1Start;
  private timer: NodeJS.Timeout | undefined;

  constructor(pids: Record<string, number | undefined> = {}) {
    // This process alone: its children are the servers and workers, each counted under its own name.
    this.add('bench', process.pid, false);
    for (const [name, pid] of Object.entries(pids)) if (pid) this.add(name, pid);
    this.timer = setInterval(() => {
      this.load1Max = Math.max(this.load1Max, loadAverage()[0]);
    }, 2_000);
    this.timer.unref();
  }

  add(name: string, pid: number, withChildren = true): void {
    this.pids.set(name, pid);
    if (!withChildren) this.alone.add(name);
    this.startJiffies.set(name, this.jiffiesOf(name, pid));
  }

  private jiffiesOf(name: string, pid: number, table = processTable()): number {
    return this.alone.has(name) ? (table.get(pid)?.jiffies ?? 0) : treeJiffies(pid, table);
  }

  /** Call before a process stops, so its CPU is still readable. */
  snapshot(): CpuUsage {
    const seconds = (Date.now() - this.startedAt) / 1000;
    const machine = machineJiffies();
    const ticks = CLOCK_TICKS * Math.max(seconds, 0.001);
    const machineCores = (machine.busy - this.startMachine.busy) / ticks;
    const ownCores: Record<string, number> = {};
    let own = 0;
    const table = processTable();
    for (const [name, pid] of this.pids) {
      const used = Math.max(0, this.jiffiesOf(name, pid, table) - (this.startJiffies.get(name) ?? 0)) / ticks;
      ownCores[name] = round(used, 2);
      own += used;
    }
    const load1End = loadAverage()[0];
    return {
      seconds: round(seconds, 1),
      machineCores: round(machineCores, 2),
      ownCores,
      foreignCores: round(Math.max(0, machineCores - own), 2),
      load1Start: this.load1Start,
      load1End,
      load1Max: Math.max(this.load1Max, load1End),
    };
  }

  stop(): CpuUsage {
    if (this.timer) clearInterval(this.timer);
    return this.snapshot();
  }
}

/** Several measurements of one kind (e.g. the rounds of a throughput test) as one, time-weighted. */
export function mergeCpu(usages: readonly CpuUsage[]): CpuUsage {
  const seconds = usages.reduce((sum, u) => sum + u.seconds, 0) || 1;
  const weighted = (pick: (u: CpuUsage) => number) =>
    round(usages.reduce((sum, u) => sum + pick(u) * u.seconds, 0) / seconds, 2);
  const ownCores: Record<string, number> = {};
  for (const name of new Set(usages.flatMap((u) => Object.keys(u.ownCores)))) {
    ownCores[name] = weighted((u) => u.ownCores[name] ?? 0);
  }
  return {
    seconds: round(seconds, 1),
    machineCores: weighted((u) => u.machineCores),
    ownCores,
    foreignCores: weighted((u) => u.foreignCores),
    load1Start: usages[0]?.load1Start ?? NaN,
    load1End: usages[usages.length - 1]?.load1End ?? NaN,
    load1Max: Math.max(...usages.map((u) => u.load1Max)),
  };
}

/** VmRSS and VmHWM of a process in MiB, from /proc/<pid>/status; undefined once it has gone. */
export function rssOf(pid: number): { rssMiB: number; hwmMiB: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { rssMiB: round(kib('VmRSS') / 1024, 1), hwmMiB: round(kib('VmHWM') / 1024, 1) };
  } catch {
    return undefined;
  }
}

export function round(value: number, digits = 0): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export interface MachineInfo {
  date: string;
  nproc: number;
  cpuModel: string;
  memTotal: string;
  freeH: string;
  node: string;
  temporalCli: string;
  kernel: string;
}

export function machineInfo(temporalCli: string): MachineInfo {
  const cpuModel = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown';
  const run = (cmd: string, args: string[]) => {
    try {
      return execFileSync(cmd, args, { encoding: 'utf8' }).trim();
    } catch {
      return 'unknown';
    }
  };
  return {
    date: new Date().toISOString(),
    nproc: os.cpus().length,
    cpuModel,
    memTotal: `${round(os.totalmem() / 2 ** 30, 1)} GiB`,
    freeH: run('free', ['-h']),
    node: process.version,
    temporalCli: run(temporalCli, ['--version']),
    kernel: os.release(),
  };
}
