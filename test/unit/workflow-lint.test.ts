import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The lint rules that keep workflow code deterministic, checked against a probe file. */
describe('lint for workflows/', () => {
  it('rejects Node built-ins, I/O, runtime activity imports and floating promises', async () => {
    const eslint = new ESLint({ cwd: ROOT });
    const probe = [
      "import { readFileSync } from 'node:fs';",
      "import { createSql } from '../db/db.js';",
      "import type { Activities } from '../activities/index.js';",
      'export type A = Activities;',
      "export const probe = () => { void readFileSync; void createSql; void fetch('x'); Promise.resolve(1); };",
    ].join('\n');
    const [result] = await eslint.lintText(probe, { filePath: `${ROOT}workflows/verification.ts` });
    const rules = result!.messages.map((m) => `${m.line}:${m.ruleId}`);
    expect(rules).toEqual(
      expect.arrayContaining([
        '1:no-restricted-imports',
        '2:no-restricted-imports',
        '5:no-restricted-globals',
        '5:@typescript-eslint/no-floating-promises',
      ]),
    );
    expect(rules.filter((r) => r.startsWith('3:'))).toEqual([]); // a type-only import of activities is fine
  });

  it('holds in the folders under workflows/ too', async () => {
    const eslint = new ESLint({ cwd: ROOT });
    const probe = [
      "import { createSql } from '../../db/client.js';",
      "import type { Activities } from '../../activities/index.js';",
      'export type A = Activities;',
      'export const probe = () => createSql;',
    ].join('\n');
    const [result] = await eslint.lintText(probe, { filePath: `${ROOT}workflows/steps/connect.ts` });
    const rules = result!.messages.map((m) => `${m.line}:${m.ruleId}`);
    expect(rules).toContain('1:no-restricted-imports');
    expect(rules.filter((r) => r.startsWith('2:'))).toEqual([]);
  });
});
