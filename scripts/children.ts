import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Pieces shared by the scripts that start the product's processes (`npm run dev`,
 * `npm run cluster`): readable log lines and readiness by HTTP.
 */

const LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

/** Children log JSON (pino); show it as one readable line per entry. */
export function formatLine(name: string, line: string): string {
  try {
    const entry = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string } };
    const level = LEVELS[entry.level ?? 30] ?? 'info';
    return `[${name}] ${level === 'info' ? '' : `${level}: `}${entry.msg ?? ''}${entry.err?.message ? ` (${entry.err.message})` : ''}`;
  } catch {
    return `[${name}] ${line}`;
  }
}

/** Resolves once `url` answers 2xx; throws after `timeoutMs`. */
export async function waitForHttp(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await sleep(300);
  }
  throw new Error(`${url} did not become ready`);
}
