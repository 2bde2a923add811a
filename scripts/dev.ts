import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { DEV_API_KEY, loadConfigOrExit } from '../config/index.js';
import { formatLine, waitForHttp } from './children.js';
import { provisionDatabase } from './database.js';
import { resolveTemporalBinary } from './temporal-binary.js';
import { isListening, startTemporalDevServer, stopProcess, type DevServer } from './temporal-server.js';

/**
 * `npm run dev`: the whole product on one machine. The Temporal dev server and
 * the embedded database keep their state under .dev/, so a restart keeps
 * running verifications.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DEV_DIR = `${ROOT}.dev`;
// The entrypoints default to production (fail closed); this launcher is development, for itself and its children.
process.env.NODE_ENV = 'development';
const config = loadConfigOrExit();
const say = (line: string) => console.log(`\x1b[36m[dev]\x1b[0m ${line}`);

const stops: (() => Promise<void>)[] = [];
const children: ChildProcess[] = [];
let stopping = false;
async function stopAll(code: number): Promise<never> {
  if (stopping) {
    // A second Ctrl-C: do not leave anything behind, however impatient.
    for (const child of children) child.kill('SIGKILL');
    process.exit(code);
  }
  {
    stopping = true;
    say('stopping…');
    for (const stop of stops.reverse()) await stop().catch((error: Error) => say(`while stopping: ${error.message}`));
    say('stopped');
  }
  process.exit(code);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

function startChild(name: string, entry: string, env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => console.log(formatLine(name, line)));
  }
  child.once('exit', (code, signal) => {
    if (stopping) return;
    say(`${name} exited (${signal ?? code}); stopping everything`);
    void stopAll(1);
  });
  stops.push(() => stopProcess(child));
  children.push(child);
  return child;
}

async function temporal(): Promise<DevServer | undefined> {
  if (await isListening(config.temporal.address)) {
    say(`using the Temporal server already at ${config.temporal.address}`);
    return undefined;
  }
  const binary = await resolveTemporalBinary(say);
  say(`starting the Temporal dev server (${binary})`);
  const [host, port] = config.temporal.address.split(':') as [string, string];
  const server = await startTemporalDevServer({
    binary,
    host,
    port: Number(port),
    uiPort: config.temporal.uiPort,
    dbFile: `${DEV_DIR}/temporal.db`,
    namespace: config.temporal.namespace,
    // The UI asks the API to decrypt payloads for display (history itself stays ciphertext).
    codecEndpoint: `http://${config.api.host}:${config.api.port}/codec`,
  });
  stops.push(() => server.stop());
  children.push(server.process);
  server.process.once('exit', (code) => void (stopping || (say(`Temporal exited (${code})`), stopAll(1))));
  return server;
}

await mkdir(DEV_DIR, { recursive: true });
try {
  const [server, database] = await Promise.all([
    temporal(),
    provisionDatabase({ databaseUrl: config.database.url, embeddedDataDir: `${DEV_DIR}/pglite`, log: say }),
  ]);
  stops.push(() => database.stop());
  say(
    `Postgres: ${database.kind === 'embedded' ? 'embedded PGlite (.dev/pglite)' : new URL(database.url).host + new URL(database.url).pathname}`,
  );

  const env = { ...process.env, DATABASE_URL: database.url, DATABASE_POOL_SIZE: String(database.poolSize) };
  startChild('sandbox', 'sandbox/server.ts', env);
  startChild('worker', 'worker/main.ts', env);
  startChild('api', 'api/server.ts', env);

  const api = `http://${config.api.host}:${config.api.port}`;
  const sandbox = `http://${config.sandbox.host}:${config.sandbox.port}`;
  await Promise.all([waitForHttp(`${api}/readyz`), waitForHttp(sandbox)]);
  const key = config.api.keys[0]!.secret;
  console.log(`
  smile-verify is running

  API           ${api}      (OpenAPI: ${api}/docs)
  Demo          ${api}/demo (log in as gpalomero1234@smileapi.io / 123456, code 1234)
  Temporal UI   ${server ? `http://127.0.0.1:${config.temporal.uiPort}` : '(your server at ' + config.temporal.address + ')'}
  Smile sandbox ${sandbox}
  API key       ${key}${key === DEV_API_KEY ? '   (dev key)' : ''}
  Payload key   ${config.payloadEncryptionKey.isDevKey ? 'the fixed dev key (never use it in production)' : 'from PAYLOAD_ENCRYPTION_KEY'}

  Try it:
    curl -X POST ${api}/v1/verifications -H 'authorization: Bearer ${key}' \\
         -H 'content-type: application/json' -d '{"externalUserId":"u1"}'

  Ctrl-C stops everything; state stays in .dev/.
`);
} catch (error) {
  say(`could not start: ${(error as Error).message}`);
  await stopAll(1);
}
