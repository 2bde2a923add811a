import { setTimeout as sleep } from 'node:timers/promises';
import proto from '@temporalio/proto';
import { smileSandboxRequest } from '../sandbox/client.js';
import { databaseCounters } from '../db/measurements.js';
import { verificationWorkflowId } from '../workflows/ids.js';
import { measureCpu, type CpuShare } from './cpu.js';
import type { BenchStack } from './stack.js';

type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;

/** What a set of verifications cost, in all; divide by their number for one. */
export interface Cost {
  cpuMs: { api: number; worker: number; temporal: number; postgres: number };
  actions: number;
  events: number;
  historyBytes: number;
  rowsWritten: number;
  bytesStored: number;
  smileCalls: number;
}

/**
 * Temporal Cloud's billable actions, counted from a history: starts (and
 * continue-as-new), activity attempts, timers, signals, updates, child starts,
 * external signals and cancels, search-attribute upserts, and one for each
 * workflow task's batch of local activities.
 */
export function actionsOf(events: HistoryEvent[]): number {
  let actions = 0;
  let localBatch = false;
  for (const e of events) {
    if (e.workflowTaskCompletedEventAttributes) localBatch = false;
    if (e.markerRecordedEventAttributes && !localBatch) {
      localBatch = true;
      actions++;
    }
    if (
      e.workflowExecutionStartedEventAttributes ||
      e.workflowExecutionContinuedAsNewEventAttributes ||
      e.activityTaskStartedEventAttributes ||
      e.timerStartedEventAttributes ||
      e.workflowExecutionSignaledEventAttributes ||
      e.workflowExecutionUpdateAcceptedEventAttributes ||
      e.startChildWorkflowExecutionInitiatedEventAttributes ||
      e.signalExternalWorkflowExecutionInitiatedEventAttributes ||
      e.requestCancelExternalWorkflowExecutionInitiatedEventAttributes ||
      e.upsertWorkflowSearchAttributesEventAttributes ||
      e.workflowPropertiesModifiedEventAttributes
    )
      actions++;
  }
  return actions;
}

/** The histories of a user's verification and monitor (latest runs; the bench's runs never continue as new). */
async function histories(stack: BenchStack, externalUserIds: string[]) {
  let events = 0;
  let bytes = 0;
  let actions = 0;
  // One workflow per user holds its run and its monitoring.
  for (const user of externalUserIds) {
    const history = await stack.temporal.client.workflow
      .getHandle(verificationWorkflowId(user))
      .fetchHistory()
      .catch(() => undefined);
    if (!history) continue;
    const list = history.events ?? [];
    events += list.length;
    actions += actionsOf(list);
    bytes += proto.temporal.api.history.v1.History.encode(history).finish().length;
  }
  return { events, bytes, actions };
}

/** Rows inserted, updated and deleted, and the database's size: pg_stat_database is flushed by idle backends within 10 s. */
async function postgresCounters(stack: BenchStack) {
  await sleep(11_000);
  return databaseCounters(stack.sql);
}

const smileCalls = async (stack: BenchStack) =>
  ((await smileSandboxRequest(stack.sandboxUrl, 'GET', '/sandbox/v1/requests')) as unknown[]).length;

/**
 * Runs `scenario` (which returns the external user ids it verified) and
 * measures what it cost: CPU by component, Temporal, Postgres, Smile. The API
 * shares this process with the sandbox and the load, so its CPU includes theirs.
 */
export async function measureCost(stack: BenchStack, idle: CpuShare, scenario: () => Promise<string[]>): Promise<Cost> {
  const pgBefore = await postgresCounters(stack);
  const callsBefore = await smileCalls(stack);
  const { result: users, cpu } = await measureCpu(named(stack), scenario);
  const pgAfter = await postgresCounters(stack);
  const calls = (await smileCalls(stack)) - callsBefore;
  const history = await histories(stack, users);
  // What the idle stack burns meanwhile (timers, polls, Postgres's housekeeping) is no verification's cost.
  const ms = (name: string) => Math.max(0, (cpu.cores[name] ?? 0) - (idle.cores[name] ?? 0)) * cpu.seconds * 1_000;
  return {
    cpuMs: { api: ms('this process'), worker: ms('worker'), temporal: ms('temporal'), postgres: ms('postgres') },
    actions: history.actions,
    events: history.events,
    historyBytes: history.bytes,
    rowsWritten: pgAfter.rows - pgBefore.rows,
    bytesStored: pgAfter.bytes - pgBefore.bytes,
    smileCalls: calls,
  };
}

/** The processes whose CPU is measured: the worker and the Temporal dev server (this process and Postgres always). */
export const named = (stack: BenchStack) => ({ worker: stack.worker.pid(), temporal: stack.server?.process.pid });

/** The idle stack's CPU, to subtract from each scenario's. */
export async function idleCpu(stack: BenchStack, seconds: number): Promise<CpuShare> {
  return (await measureCpu(named(stack), () => sleep(seconds * 1_000))).cpu;
}

/**
 * `a` per verification, plus `times` × the per-verification difference `b - a`
 * (a scaled cost; a difference below zero is noise and counts as zero).
 */
export function scaled(a: Cost, b: Cost, times: number, n: number): Cost {
  const mix = (x: number, y: number) => (x + times * Math.max(0, y - x)) / n;
  return {
    cpuMs: {
      api: mix(a.cpuMs.api, b.cpuMs.api),
      worker: mix(a.cpuMs.worker, b.cpuMs.worker),
      temporal: mix(a.cpuMs.temporal, b.cpuMs.temporal),
      postgres: mix(a.cpuMs.postgres, b.cpuMs.postgres),
    },
    actions: mix(a.actions, b.actions),
    events: mix(a.events, b.events),
    historyBytes: mix(a.historyBytes, b.historyBytes),
    rowsWritten: mix(a.rowsWritten, b.rowsWritten),
    bytesStored: mix(a.bytesStored, b.bytesStored),
    smileCalls: mix(a.smileCalls, b.smileCalls),
  };
}

/** The cost of one: `total` divided by `n`. */
export const perOne = (total: Cost, n: number): Cost => scaled(total, total, 0, n);
