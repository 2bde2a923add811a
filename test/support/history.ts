import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { WorkflowHandle } from '@temporalio/client';
import type { LoadedDataConverter, Payload } from '@temporalio/common';
import type { SmileEventRef } from '../../workflows/messages.js';

const RECORDED = fileURLToPath(new URL('../../test-results/histories/', import.meta.url));

/**
 * Saves a finished workflow's history as JSON under test-results/histories/.
 * Copy the ones worth keeping into test/replay/histories/: every later version
 * of the workflow must replay them (test/replay/replay.test.ts).
 */
export async function saveHistory(name: string, handle: WorkflowHandle): Promise<void> {
  const history = await handle.fetchHistory();
  await mkdir(RECORDED, { recursive: true });
  await writeFile(`${RECORDED}${name}.json`, JSON.stringify(history));
}

type HistoryEvent = NonNullable<Awaited<ReturnType<WorkflowHandle['fetchHistory']>>['events']>[number];

/**
 * The activity types a history ran, in order: scheduled activities, and local
 * activities (a `core_local_activity` marker whose plain JSON details name the type).
 */
export function activityTypes(events: HistoryEvent[]): string[] {
  return events.flatMap((event) => {
    const scheduled = event.activityTaskScheduledEventAttributes?.activityType?.name;
    if (scheduled) return [scheduled];
    const marker = event.markerRecordedEventAttributes;
    const data = marker?.markerName === 'core_local_activity' ? marker.details?.data?.payloads?.[0]?.data : undefined;
    return data ? [(JSON.parse(Buffer.from(data).toString()) as { activity_type: string }).activity_type] : [];
  });
}

type History = NonNullable<Awaited<ReturnType<WorkflowHandle['fetchHistory']>>>;

/**
 * The Smile event references a history was signalled with, one list per signal
 * (`smileEvents` carries several, the older `smileEvent` one), decoded with the
 * client's codecs (history holds ciphertext).
 */
export async function smileEventSignals(
  history: History,
  { payloadCodecs, payloadConverter }: LoadedDataConverter,
): Promise<SmileEventRef[][]> {
  const signals: SmileEventRef[][] = [];
  for (const event of history.events ?? []) {
    const attrs = event.workflowExecutionSignaledEventAttributes;
    if (attrs?.signalName !== 'smileEvent' && attrs?.signalName !== 'smileEvents') continue;
    let payloads = (attrs.input?.payloads ?? []) as Payload[];
    for (const codec of [...payloadCodecs].reverse()) payloads = await codec.decode(payloads);
    const value = payloadConverter.fromPayload<SmileEventRef | SmileEventRef[]>(payloads[0]!);
    signals.push(Array.isArray(value) ? value : [value]);
  }
  return signals;
}
