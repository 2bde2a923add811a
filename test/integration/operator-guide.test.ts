import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { resolveTemporalBinary } from '../../scripts/temporal-binary.js';
import { startStack, type Stack, testDatabaseUrl } from '../support/stack.js';
import * as journey from '../support/journeys.js';

/**
 * The operator guide, run as written: every command line in the ```sh blocks of
 * docs/operations.md runs in bash against the test's Temporal and database,
 * with a real, completed verification of user `u1`. Only the API's address in
 * codec URLs is swapped for the test's.
 */
const guide = readFileSync(new URL('../../docs/operations.md', import.meta.url), 'utf8');
const commands = [...guide.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap(([, block]) =>
  block!.split('\n').filter((line) => line.trim()),
);
const run = promisify(execFile);

let stack: Stack;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  // Development mode as under `npm run dev`: the codec answers the CLI; the dev key is accepted.
  stack = await startStack({ NODE_ENV: 'development', API_KEYS: 'dev-api-key,test-api-key-0123' });
  const binary = await resolveTemporalBinary(() => {});
  env = {
    PATH: `${dirname(binary)}:${process.env.PATH}`,
    HOME: process.env.HOME,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    DATABASE_URL: testDatabaseUrl(),
  };
  const { verificationId, link } = await journey.startVerification(stack, {
    externalUserId: 'u1',
    applicant: { fullName: journey.SANDBOX_USERS.george.fullName },
  });
  await journey.connect(stack, link.userToken, journey.SANDBOX_USERS.george);
  expect(await journey.waitUntilClosed(stack, verificationId)).toMatchObject({
    status: 'COMPLETED',
    decision: { outcome: 'APPROVED' },
  });
});
afterAll(async () => stack?.close());

describe('the operator guide', () => {
  it('has commands to check', () => {
    expect(commands.length).toBeGreaterThanOrEqual(8);
    expect(commands.some((c) => c.startsWith('temporal workflow reset'))).toBe(true);
  });

  it.each(commands.map((command) => [command]))('%s', async (command) => {
    const { stdout } = await run('bash', ['-c', command.replaceAll('http://127.0.0.1:3000', stack.apiUrl)], {
      env,
      timeout: 30_000,
    });
    const is = (prefix: string) => command.startsWith(`temporal workflow ${prefix}`);
    if (is('list')) expect(stdout).toContain('verification-u1');
    if (is('describe')) expect(stdout).toMatch(/Status\s+COMPLETED/i);
    if (is('query')) expect(stdout).toContain('"status":"COMPLETED"');
    // Through the codec, history holds the JSON the workflow saw (base64 under --output json), never ciphertext.
    if (command.includes('--codec-endpoint')) {
      expect(stdout).not.toContain('binary/encrypted');
      expect(stdout).not.toContain(Buffer.from('binary/encrypted').toString('base64').slice(0, 20));
      expect(stdout).toContain(
        command.includes('--output json') ? Buffer.from('json/plain').toString('base64') : '"externalUserId"',
      );
    }
    if (command.startsWith('psql')) expect(stdout).toMatch(/\(\d+ rows?\)/);
  });
});
