import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { stopProcess } from '../temporal-server.js';

export interface ProcessSpec {
  name: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  /** True once the process serves (a port listens, an HTTP check answers). */
  ready: () => Promise<boolean>;
  /** Every output line goes here (the console, a log file), or nowhere. */
  onLine?: (line: string) => void;
  /** Appends the output to this file as well. */
  logFile?: string;
  startTimeoutMs?: number;
}

/**
 * A line as the report of an exit shows it: the Temporal server logs a fatal error as one JSON
 * line whose stack trace runs to 10 KB and would push its message out of the report. The log
 * file keeps the whole line.
 */
function withoutStackTrace(line: string): string {
  if (!line.startsWith('{') || !line.includes('"stacktrace"')) return line;
  try {
    const entry = JSON.parse(line) as Record<string, unknown>;
    delete entry.stacktrace;
    return JSON.stringify(entry);
  } catch {
    return line;
  }
}

/** Every child still running; killed if this process exits without stopping them (a crash, process.exit). */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * One process of the cluster: started with the same command and environment every time,
 * stoppable gently or hard, restartable. An exit nobody asked for is reported to `onCrash`
 * with the process's last output (the cluster script stops everything; the chaos suite counts it).
 */
export class ManagedProcess {
  private child: ChildProcess | undefined;
  private tail = '';
  private log: WriteStream | undefined;
  private stopping = false;
  restarts = 0;
  readonly crashes: string[] = [];
  onCrash: (report: string) => void = () => {};

  constructor(readonly spec: ProcessSpec) {}

  get name(): string {
    return this.spec.name;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(): Promise<void> {
    const { command, args, env, cwd, logFile, onLine } = this.spec;
    this.tail = '';
    this.stopping = false;
    this.log ??= logFile ? createWriteStream(logFile, { flags: 'a' }) : undefined;
    // Its own process group: a Ctrl-C in the terminal reaches the script alone, which stops
    // everything in order rather than all at once.
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    this.child = child;
    running.add(child);
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => {
        this.tail = (this.tail + withoutStackTrace(line) + '\n').slice(-6_000);
        this.log?.write(line + '\n');
        onLine?.(line);
      });
    }
    child.once('exit', (code, signal) => {
      running.delete(child);
      if (this.stopping) return;
      const report = `${this.name} exited (${signal ?? code}):\n${this.tail}`;
      this.crashes.push(report);
      this.onCrash(report);
    });
    await this.waitUntilReady(child);
  }

  private async waitUntilReady(child: ChildProcess): Promise<void> {
    const deadline = Date.now() + (this.spec.startTimeoutMs ?? 120_000);
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`${this.name} exited during start:\n${this.tail}`);
      if (await this.spec.ready()) return;
      if (Date.now() > deadline) throw new Error(`${this.name} did not become ready:\n${this.tail}`);
      await sleep(250);
    }
  }

  /** SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.child) return;
    this.stopping = true;
    await stopProcess(this.child, graceMs);
  }

  /** SIGKILL: no shutdown of any kind, as when a host dies. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    this.stopping = true;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async restart(how: 'kill' | 'stop' = 'kill'): Promise<void> {
    await (how === 'kill' ? this.kill() : this.stop());
    this.restarts++;
    await this.start();
  }

  lastOutput(): string {
    return this.tail;
  }

  /** Closes the log file once the process is gone for good. */
  async close(): Promise<void> {
    await this.stop();
    await new Promise<void>((resolve) => (this.log ? this.log.end(resolve) : resolve()));
    this.log = undefined;
  }
}
