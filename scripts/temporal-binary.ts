import { spawn } from 'node:child_process';
import { access, constants, mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The one place the Temporal CLI version is pinned. */
export const TEMPORAL_CLI_VERSION = '1.5.1';

/** Outside the repository, so every clone and every CI run on this machine reuses one build. */
export const TEMPORAL_CACHE_DIR = join(homedir(), '.cache', 'smile-verify', `temporal-v${TEMPORAL_CLI_VERSION}`);
const CACHED_BINARY = join(TEMPORAL_CACHE_DIR, 'temporal');

export type Log = (line: string) => void;

export async function isExecutable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(
    () => true,
    () => false,
  );
}

async function onPath(name: string, path = process.env.PATH ?? ''): Promise<string | undefined> {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    if (await isExecutable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** Runs a command, printing a line of progress every 15 s so a long build never looks stuck. */
export function run(command: string, args: string[], env: NodeJS.ProcessEnv, log: Log, what: string): Promise<void> {
  const started = Date.now();
  const ticker = setInterval(() => log(`  … still ${what} (${Math.round((Date.now() - started) / 1000)}s)`), 15_000);
  return new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4_000);
      for (const line of chunk.toString().split('\n')) if (line.startsWith('go: downloading')) log(`  ${line}`);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}:\n${output}`)),
    );
  }).finally(() => clearInterval(ticker));
}

/** `go` on PATH, else the official install location. */
export async function findGo(): Promise<string> {
  const go =
    (await onPath('go')) ?? ((await isExecutable('/usr/local/go/bin/go')) ? '/usr/local/go/bin/go' : undefined);
  if (!go) throw new Error('go is not installed');
  return go;
}

async function goInstall(log: Log): Promise<string> {
  const go = await findGo();
  log(`building the Temporal dev server (temporal v${TEMPORAL_CLI_VERSION}), first run only, a few minutes…`);
  await mkdir(TEMPORAL_CACHE_DIR, { recursive: true });
  const pkg = `github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_CLI_VERSION}`;
  await run(go, ['install', pkg], { ...process.env, GOBIN: TEMPORAL_CACHE_DIR }, log, 'building');
  return CACHED_BINARY;
}

/**
 * Finds a `temporal` binary, in this order: on PATH, the cached build, a
 * fresh `go install` from the Go module proxy. Nothing is ever downloaded as a
 * binary. (A server already answering at TEMPORAL_ADDRESS is checked by the
 * caller, before any of this.)
 */
export async function resolveTemporalBinary(log: Log = console.log): Promise<string> {
  const fromPath = await onPath('temporal');
  if (fromPath) return fromPath;
  if (await isExecutable(CACHED_BINARY)) return CACHED_BINARY;
  return goInstall(log);
}

// `npm run temporal:provision`: build or find the binary ahead of time (CI does this first).
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  resolveTemporalBinary().then(
    (path) => console.log(`temporal: ${path}`),
    (error: Error) => {
      console.error(`could not provision the Temporal dev server: ${error.message}`);
      process.exit(1);
    },
  );
}
