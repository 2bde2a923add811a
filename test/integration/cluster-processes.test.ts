import { afterEach, describe, expect, it, vi } from 'vitest';
import { ManagedProcess } from '../../scripts/cluster/process.js';
import { freePorts } from '../../scripts/cluster/topology.js';

/**
 * The cluster's own plumbing (`npm run cluster`, the chaos suite, the bench): the ports it hands
 * its processes and what it says when one of them cannot start.
 */
describe('cluster ports', () => {
  afterEach(() => vi.restoreAllMocks());

  it('never hands two processes the same membership port, even when the random draw repeats', async () => {
    // Each draw twice in a row: a free port stays free until its process binds it, so only the
    // ports already handed out can tell the second draw apart.
    let draw = 0;
    vi.spyOn(Math, 'random').mockImplementation(() => ((Math.floor(draw++ / 2) * 7919) % 12_000) / 12_000);
    const ports = await freePorts();
    const membership = ports.temporal.map((p) => p.membershipPort);
    expect(new Set(membership).size).toBe(membership.length);
  });
});

describe('a cluster process that exits while it starts', () => {
  it("reports the server's fatal message, not the end of its stack trace", async () => {
    // The Temporal server logs a fatal error as one zap JSON line whose stack trace runs to 10 KB.
    const fatal = JSON.stringify({
      level: 'fatal',
      msg: 'Failed to start ringpop listener',
      error: 'listen tcp 127.0.0.1:24001: bind: address already in use',
      address: '127.0.0.1:24001',
      stacktrace: 'go.temporal.io/server/common/membership/ringpop.(*factory).getTCPChannel\n\t'.repeat(200),
    });
    const process = new ManagedProcess({
      name: 'history-2',
      command: globalThis.process.execPath,
      args: ['-e', `console.log('starting'); console.log(${JSON.stringify(fatal)}); process.exit(1)`],
      env: {},
      cwd: globalThis.process.cwd(),
      ready: async () => false,
    });
    const failure = await process.start().then(
      () => undefined,
      (error: Error) => error.message,
    );
    expect(failure).toContain('history-2 exited during start');
    expect(failure).toContain('Failed to start ringpop listener');
    expect(failure).toContain('bind: address already in use');
    expect(failure).not.toContain('getTCPChannel');
  });
});
