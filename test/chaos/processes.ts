import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * One of the product's processes (API or worker) as production runs it: plain
 * Node on the entrypoint, restartable with the same environment, killable hard.
 */
export class Service {
  private child: ChildProcess | undefined;
  private output = '';
  private stopping = false;
  restarts = 0;
  /** Exits nobody asked for, with the process's last output: a crash under chaos is a finding. */
  readonly crashes: string[] = [];

  constructor(
    readonly name: string,
    private readonly entry: string,
    private readonly env: Record<string, string>,
    private readonly readyUrl: string,
  ) {}

  async start(): Promise<void> {
    this.output = '';
    this.stopping = false;
    const child = spawn(process.execPath, ['--import', 'tsx', this.entry], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const keep = (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-6_000));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    child.once('exit', (code, signal) => {
      if (!this.stopping) this.crashes.push(`${this.name} exited (${signal ?? code}):\n${this.output}`);
    });
    for (let i = 0; i < 240; i++) {
      if (child.exitCode !== null) throw new Error(`${this.name} exited with ${child.exitCode}:\n${this.output}`);
      if (
        await fetch(this.readyUrl).then(
          (r) => r.status < 500 || r.status === 503,
          () => false,
        )
      )
        return;
      await sleep(250);
    }
    throw new Error(`${this.name} did not start:\n${this.output}`);
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    this.stopping = true;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }

  async kill(): Promise<void> {
    await this.stop('SIGKILL');
  }

  async restart(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    await this.stop(signal);
    this.restarts++;
    await this.start();
  }

  lastOutput(): string {
    return this.output;
  }
}

/** Retries `task` until it succeeds (the API may be down, restarting, or answering 503). */
export async function persist<T>(task: () => Promise<T>, timeoutMs = 180_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await task();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(300);
    }
  }
}
