import { z } from 'zod';
import { SandboxError, smileId } from './envelope.js';
import { personaData } from './persona-data.js';
import type { SandboxState } from './state.js';
import type { SandboxPersona } from './users.js';
import type { PendingEvent } from './webhooks/dispatcher.js';

/** A payslip as the sandbox's upload route takes it: what Smile's extraction would read from the file. */
export const payslipInput = z.strictObject({
  employer: z.string().min(1).max(200),
  employeeName: z.string().min(1).max(200),
  periodStart: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  periodEnd: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  currency: z.string().regex(/^[A-Z]{3}$/),
  gross: z.number().nonnegative(),
  net: z.number().nonnegative(),
  payDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  /** False: Smile's classifier says the file is no payslip (the extraction is then empty). */
  validFile: z.boolean().default(true),
  /** True: Smile cannot read the file at all: ARCHIVE_FAILED, and no task. */
  unreadable: z.boolean().default(false),
});
export type PayslipInput = z.infer<typeof payslipInput>;

/** Smile's Archive object (openapi `Archive`), as far as the sandbox fills it. */
export interface SandboxArchive {
  id: string;
  createdAt: string;
  providerId: 'user-provided';
  userId: string;
  type: 'PAYSLIP';
  state: {
    status: 'STARTED' | 'ANALYZED' | 'ERROR' | 'REVOKED';
    errorCode: 'SYSTEM_ERROR' | null;
    errorMessage: string | null;
    updatedAt: string;
  };
  rawFiles: {
    id: string;
    createdAt: string;
    name: string;
    subType: string;
    size: number;
    format: string;
    url: string;
  }[];
}

export interface ArchiveRecord {
  archive: SandboxArchive;
  /** `ArchivePayslipPredictionQueryResponseData`: the extraction, its metadata, and `validFile`. */
  prediction: Record<string, unknown>;
}

/**
 * What Smile does when a user uploads payslips on the widget's upload screen:
 * one `PAYSLIP` archive per payslip, analyzed at once: ARCHIVE_STARTED and
 * ARCHIVE_ANALYZED for each archive, then TASK_STARTED and TASK_FINISHED (with
 * `sourceType` `ARCHIVE`) for each.
 */
export function uploadPayslips(
  state: SandboxState,
  userId: string,
  payslips: readonly PayslipInput[],
  burst: PendingEvent[],
  fileName = 'payslip.pdf',
): ArchiveRecord[] {
  const analysed: PendingEvent[] = [];
  const synced: PendingEvent[] = [];
  const records = payslips.map((slip, index) => {
    const now = state.nowIso();
    const id = smileId('archive');
    const archive: SandboxArchive = {
      id,
      createdAt: now,
      providerId: 'user-provided',
      userId,
      type: 'PAYSLIP',
      state: slip.unreadable
        ? { status: 'ERROR', errorCode: 'SYSTEM_ERROR', errorMessage: 'Invalid file!', updatedAt: now }
        : { status: 'ANALYZED', errorCode: null, errorMessage: null, updatedAt: now },
      rawFiles: [
        {
          id: smileId('f'),
          createdAt: now,
          name: payslips.length > 1 ? `${index + 1}-${fileName}` : fileName,
          subType: 'PAYSLIP',
          size: 48_213,
          format: 'PDF',
          url: `https://file.smileapi.io/sandbox/${id}.pdf`,
        },
      ],
    };
    const metadata = {
      createdAt: now,
      itemCreatedAt: now,
      sourceId: id,
      sourceType: 'ARCHIVE',
      userId,
      providerId: 'user-provided',
    };
    const extraction = slip.validFile
      ? {
          startDate: slip.periodStart,
          endDate: slip.periodEnd,
          payDate: slip.payDate,
          currency: slip.currency,
          grossAmount: slip.gross,
          netAmount: slip.net,
          employerName: slip.employer,
          employeeName: slip.employeeName,
        }
      : {};
    const record: ArchiveRecord = { archive, prediction: { ...extraction, validFile: slip.validFile, metadata } };
    state.archives.set(id, record);
    const data = { userId, archiveId: id };
    const source = { userId, sourceId: id, sourceType: 'ARCHIVE', taskType: 'UPLOAD', providers: ['user-provided'] };
    if (slip.unreadable) {
      analysed.push(
        { type: 'ARCHIVE_STARTED', data },
        {
          type: 'ARCHIVE_FAILED',
          data: { ...data, errorCode: 'FILE_UNABLE_TO_RECOGNIZE', errorMessage: 'Invalid file!' },
        },
      );
      return record;
    }
    analysed.push({ type: 'ARCHIVE_STARTED', data }, { type: 'ARCHIVE_ANALYZED', data });
    synced.push(
      { type: 'TASK_STARTED', data: source },
      { type: 'TASK_FINISHED', data: { ...source, status: 'SUCCEEDED', datapoints: ['DOCUMENTS'] } },
    );
    return record;
  });
  // One upload of several files: every archive is analysed before their tasks finish.
  burst.push(...analysed, ...synced);
  return records;
}

/** Revoking an upload: its prediction is gone and ARCHIVE_REVOKED is sent. */
export function revokeArchive(state: SandboxState, record: ArchiveRecord, burst: PendingEvent[]): void {
  record.archive.state = { ...record.archive.state, status: 'REVOKED', updatedAt: state.nowIso() };
  record.prediction = { metadata: record.prediction.metadata };
  burst.push({ type: 'ARCHIVE_REVOKED', data: { userId: record.archive.userId, archiveId: record.archive.id } });
}

export function archiveOf(state: SandboxState, archiveId: string): ArchiveRecord {
  const record = state.archives.get(archiveId);
  if (!record) throw new SandboxError('MISSING_RESOURCE', 'Archive not found');
  return record;
}

/** The `inconsistentPayslips` fault's gross: 12,500 becomes 20,000 (a payslip claiming 60 % more than payroll). */
const INCONSISTENT_FACTOR = 1.6;

/**
 * A persona's payslips for its last `count` paid periods (newest first), agreeing
 * with the `incomes` its provider reports (Maria: 12,500 PHP gross per half month
 * from Luzon Harbor Logistics Inc.), or 60 % higher under `inconsistentPayslips`.
 * A persona without paid incomes has no payslips.
 */
export function personaPayslips(state: SandboxState, persona: SandboxPersona, count: number): PayslipInput[] {
  const data = personaData(persona, state.now());
  const name = String(data.identity.fullName);
  const factor = state.faults.inconsistentPayslips ? INCONSISTENT_FACTOR : 1;
  return [...data.incomes]
    .filter((item) => typeof item.endDate === 'string' && String(item.endDate) < state.nowIso().slice(0, 10))
    .sort((a, b) => String(b.endDate).localeCompare(String(a.endDate)))
    .slice(0, count)
    .map((item) => ({
      employer: String(item.employer ?? ''),
      employeeName: name,
      periodStart: String(item.startDate),
      periodEnd: String(item.endDate),
      currency: String(item.currency),
      gross: Math.round(Number(item.grossAmount) * factor * 100) / 100,
      net: Math.round(Number(item.netAmount) * factor * 100) / 100,
      payDate: String(item.endDate),
      validFile: true,
      unreadable: false,
    }));
}

/** What Smile's classifier makes of a file that is no payslip (a photo, a letter). */
export function notAPayslip(state: SandboxState): PayslipInput {
  const today = state.nowIso().slice(0, 10);
  return {
    employer: '-',
    employeeName: '-',
    periodStart: today,
    periodEnd: today,
    currency: 'PHP',
    gross: 0,
    net: 0,
    payDate: today,
    validFile: false,
    unreadable: false,
  };
}
