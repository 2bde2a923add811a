import { readdir, readFile } from 'node:fs/promises';

/** Linux's clock ticks per second for /proc times (`getconf CLK_TCK`; 100 on every kernel this runs on). */
const TICKS = 100;

/** CPU seconds a process has used so far (user + system), from /proc/<pid>/stat; 0 once it is gone. */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  // The command may hold spaces: the fields we need come after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields.length > 13 ? (Number(fields[11]) + Number(fields[12])) / TICKS : 0;
}

/** Every running Postgres process (the postmaster and its backends): pool connections live for the whole run. */
async function postgresPids(): Promise<number[]> {
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name)).map(Number);
  const names = await Promise.all(pids.map((pid) => readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')));
  return pids.filter((_, i) => names[i]!.trim() === 'postgres');
}

/** The whole machine's busy CPU seconds (every core, idle and I/O wait left out), from /proc/stat. */
async function machineBusySeconds(): Promise<number> {
  const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0]!;
  const [user, nice, system, , , irq, softirq, steal] = line.split(/\s+/).slice(1).map(Number);
  return (user! + nice! + system! + irq! + softirq! + steal!) / TICKS;
}

export interface CpuShare {
  /** Cores used on average over the measured span, per group; `rest` is everything else (the load generator). */
  cores: Record<string, number>;
  seconds: number;
}

/**
 * Measures where the CPU goes while `task` runs: this process, the named
 * processes (e.g. the Temporal dev server), Postgres, and the rest of the machine.
 */
export async function measureCpu<T>(
  named: Record<string, number | undefined>,
  task: () => Promise<T>,
): Promise<{ result: T; cpu: CpuShare }> {
  const snapshot = async () => {
    const groups: Record<string, number> = {
      'this process': process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6,
    };
    for (const [name, pid] of Object.entries(named)) groups[name] = pid ? await cpuSeconds(pid) : 0;
    const pg = await postgresPids();
    groups.postgres = (await Promise.all(pg.map(cpuSeconds))).reduce((a, b) => a + b, 0);
    return { groups, pg: new Set(pg), busy: await machineBusySeconds(), at: Date.now() };
  };
  const before = await snapshot();
  const result = await task();
  const after = await snapshot();
  const seconds = (after.at - before.at) / 1000;
  const cores: Record<string, number> = {};
  let known = 0;
  for (const [name, value] of Object.entries(after.groups)) {
    const used = Math.max(0, value - (before.groups[name] ?? 0));
    cores[name] = used / seconds;
    known += used;
  }
  cores.rest = Math.max(0, after.busy - before.busy - known) / seconds;
  return { result, cpu: { cores, seconds } };
}

/** `1.2 / 0.4 / 0.3 / 0.1` for the groups in `order`. */
export const coresCell = (cpu: CpuShare | undefined, order: string[]) =>
  cpu ? order.map((name) => (cpu.cores[name] ?? 0).toFixed(2)).join(' / ') : '—';
