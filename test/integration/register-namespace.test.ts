import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes.js';
import { ROOT } from '../support/compose.js';

/** The admin-tools job of docker-compose.yml, against a stand-in `temporal` CLI. */
const run = promisify(execFile);

describe('deploy/temporal/register-namespace.sh', () => {
  const SCRIPT = join(ROOT, 'deploy/temporal/register-namespace.sh');
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'search-attributes-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /**
   * A stand-in `temporal` CLI: every command fails while the server is "starting" (the first
   * `notReadyFor` calls); then `namespace describe` answers once `namespace create` ran, `list`
   * lists what was created, and `search-attribute create` records the name unless creation is broken.
   */
  async function fakeTemporal(
    name: string,
    { notReadyFor, createWorks }: { notReadyFor: number; createWorks: boolean },
  ) {
    const bin = join(dir, name);
    const state = join(dir, `${name}.state`);
    const namespace = join(dir, `${name}.namespace`);
    await writeFile(state, '');
    await writeFile(join(dir, `${name}.calls`), '0');
    await mkdir(bin, { recursive: true });
    await writeFile(
      join(bin, 'temporal'),
      `#!/bin/sh
echo "$*" >> "${state}.log"
calls=$(($(cat "${dir}/${name}.calls") + 1)); echo $calls > "${dir}/${name}.calls"
[ $calls -le ${notReadyFor} ] && { echo "connection refused" >&2; exit 1; }
case "$2 $3" in
  "namespace describe") [ -f "${namespace}" ] || { echo "namespace default not found" >&2; exit 1; } ;;
  "namespace create") touch "${namespace}" ;;
  "search-attribute list") echo "Name Type"; echo "BuildIds KeywordList"; sed 's/$/ Keyword/' "${state}" ;;
  "search-attribute create")
    ${createWorks ? '' : 'exit 1'}
    while [ $# -gt 0 ]; do [ "$1" = "--name" ] && echo "$2" >> "${state}"; shift; done ;;
esac
`,
    );
    await chmod(join(bin, 'temporal'), 0o755);
    return { bin, state };
  }

  const register = (bin: string, env: Record<string, string> = {}) =>
    run('sh', [SCRIPT], { env: { PATH: `${bin}:${process.env.PATH ?? ''}`, DELAY_SECONDS: '0', ...env } });

  it('waits for the server, creates the namespace and each attribute of workflows/search-attributes.ts once, and checks the list', async () => {
    const { bin, state } = await fakeTemporal('ok', { notReadyFor: 3, createWorks: true });
    const { stdout } = await register(bin);
    expect(stdout).toContain('namespace default created (retention 7d)');
    expect(stdout).toContain('search attributes registered on default at temporal:7233');
    const created = (await readFile(state, 'utf8')).trim().split('\n');
    expect(created).toEqual(SEARCH_ATTRIBUTES.map(({ name }) => name));
    const log = await readFile(`${state}.log`, 'utf8');
    expect(log).toContain('operator namespace create --address temporal:7233 --namespace default --retention 7d');
    expect(log).toContain('--address temporal:7233 --namespace default --name VerificationStatus --type Keyword');

    // A second run finds them all and creates nothing.
    const before = (await readFile(`${state}.log`, 'utf8')).length;
    const again = await register(bin);
    expect(again.stdout).not.toContain('created');
    expect((await readFile(state, 'utf8')).trim().split('\n')).toEqual(created);
    expect((await readFile(`${state}.log`, 'utf8')).slice(before)).not.toContain('create');
  });

  it('fails, naming what is missing, when the attributes cannot be created', async () => {
    const { bin } = await fakeTemporal('broken', { notReadyFor: 0, createWorks: false });
    const failure = await register(bin, { ATTEMPTS: '3' }).then(
      () => undefined,
      (error: unknown) => error as { code: number; stderr: string },
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain(
      'still missing on default at temporal:7233 after 3 attempts: VerificationStatus ExternalUserId SmileUserId Decision',
    );
  });
});
