import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, inject } from 'vitest';
import { dropDatabase, ensureDatabase } from '../../db/client.js';
import { FILE_DATABASE_ENV } from './env.js';

/**
 * Each test file runs on a database of its own: a copy of the migrated template
 * the global setup made (`CREATE DATABASE … TEMPLATE`, a few milliseconds), so
 * no file sees another's rows. testConfig() reads it from the environment.
 */
if (inject('databaseIsTemplate')) {
  const template = inject('databaseUrl');
  const url = new URL(template);
  url.pathname = `/smile_verify_file_${randomBytes(4).toString('hex')}`;
  // Two files copying the template at the same instant: Postgres refuses the second (55006); it tries again.
  for (let attempt = 1; ; attempt++) {
    try {
      await ensureDatabase(url.toString(), template);
      break;
    } catch (error) {
      if ((error as { code?: string }).code !== '55006' || attempt >= 20) throw error;
      await sleep(100 * attempt);
    }
  }
  process.env[FILE_DATABASE_ENV] = url.toString();
  afterAll(() => dropDatabase(url.toString()));
}
