import { readdirSync, readFileSync } from 'node:fs';

/**
 * Readings from /proc (Linux): CPU time, memory, load. CPU time: per process `utime + stime` of /proc/<pid>/stat, the machine's busy
 * time from /proc/stat. Clock ticks are 100 Hz on Linux (USER_HZ), so one tick is 10 ms.
 */
const MS_PER_TICK = 10;

/** CPU ms a process has used so far (0 once it is gone). */
export function processCpuMs(pid: number): number {
  const stat = readProcStat(pid);
  return stat ? (stat.utime + stat.stime) * MS_PER_TICK : 0;
}

/** A process and all its descendants (a CLI that spawns the real server is measured as one). */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const pid of allPids()) {
    const stat = readProcStat(pid);
    if (!stat) continue;
    children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), pid]);
  }
  const tree: number[] = [];
  const visit = (pid: number) => {
    tree.push(pid);
    for (const child of children.get(pid) ?? []) visit(child);
  };
  visit(root);
  return tree;
}

/** Processes whose command name (`/proc/<pid>/comm`) is `name`, e.g. `redis-server`. */
export function processesNamed(name: string): number[] {
  return allPids().filter((pid) => readProcStat(pid)?.comm === name);
}

/** The machine's busy CPU ms so far, every core and every process (other tenants included). */
export function machineBusyMs(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  // cpu user nice system idle iowait irq softirq steal guest guest_nice
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  return (user + nice + system + irq + softirq + steal) * MS_PER_TICK;
}

/** A process's resident memory (VmRSS), in MB. */
export function processRssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

/** The 1-minute load average, to print beside figures measured on a shared machine. */
export function loadAverage(): number {
  return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
}

/**
 * CPU ms used by named groups of processes over one window: `start()` then `stop()`. Resolve the
 * groups just before the window; a process that exits inside it loses its share, so measure
 * long-lived processes (servers, pooled database backends).
 */
export class CpuMeter {
  private before = new Map<string, Map<number, number>>();
  private machineBefore = 0;
  private startedAt = 0;

  constructor(private readonly groups: Record<string, number[]>) {}

  start(): void {
    this.before.clear();
    for (const [name, pids] of Object.entries(this.groups)) {
      this.before.set(name, new Map(pids.map((pid) => [pid, processCpuMs(pid)])));
    }
    this.machineBefore = machineBusyMs();
    this.startedAt = performance.now();
  }

  /** CPU ms per group over the window, plus `machine` (all cores, all processes) and `wallMs`. */
  stop(): Record<string, number> {
    const used: Record<string, number> = {};
    for (const [name, pids] of this.before) {
      used[name] = [...pids].reduce((sum, [pid, ms]) => sum + Math.max(0, processCpuMs(pid) - ms), 0);
    }
    used.machine = machineBusyMs() - this.machineBefore;
    used.wallMs = performance.now() - this.startedAt;
    return used;
  }
}

interface ProcStat {
  comm: string;
  ppid: number;
  utime: number;
  stime: number;
}

function readProcStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name is in parentheses and may hold spaces: split after the last ')'.
  const close = text.lastIndexOf(')');
  const comm = text.slice(text.indexOf('(') + 1, close);
  const fields = text.slice(close + 2).split(' ');
  // fields[0] is field 3 (state): ppid is field 4, utime 14, stime 15.
  return { comm, ppid: Number(fields[1]), utime: Number(fields[11]), stime: Number(fields[12]) };
}

function allPids(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}
