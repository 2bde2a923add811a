/**
 * Smile's kinds of data, once: the API resource (`GET /identities`, …), where
 * it sits in a TASK_FINISHED payload, the datapoint of ours it counts for, and
 * the webhook events that say some was added. Every other list is derived from
 * this table. Pure data, so workflow code may import it.
 */
export const DATA_KINDS = {
  identities: { datapoint: 'identity', payloadKey: 'identity', events: ['IDENTITY_ADDED'] },
  employments: {
    datapoint: 'employments',
    payloadKey: 'employments',
    events: ['EMPLOYMENTS_ADDED', 'EMPLOYMENTS_UPDATED'],
  },
  contributions: {
    datapoint: 'contributions',
    payloadKey: 'contributions',
    events: ['CONTRIBUTIONS_ADDED', 'CONTRIBUTIONS_UPDATED'],
  },
  incomes: { datapoint: 'incomes', payloadKey: 'incomes', events: ['INCOMES_ADDED', 'INCOMES_UPDATED'] },
  eincomes: { datapoint: 'incomes', payloadKey: 'eincomes', events: ['EINCOMES_ADDED', 'EINCOMES_UPDATED'] },
} as const;

/** A Smile data resource: a path of the API and a `kind` of stored datapoint rows. */
export type DataResource = keyof typeof DATA_KINDS;
export const DATA_RESOURCES = Object.keys(DATA_KINDS) as DataResource[];

/** What a policy can require and a status document counts: identity, employments, contributions, incomes. */
export const DATAPOINTS = ['identity', 'employments', 'contributions', 'incomes'] as const;
export type Datapoint = (typeof DATAPOINTS)[number];

/** The resources each datapoint is read from (incomes: payroll and e-wallet incomes). */
export const RESOURCES_OF = Object.fromEntries(
  DATAPOINTS.map((datapoint) => [datapoint, DATA_RESOURCES.filter((r) => DATA_KINDS[r].datapoint === datapoint)]),
) as Record<Datapoint, DataResource[]>;

/** The datapoint a `*_ADDED`/`*_UPDATED` webhook event reports. */
export const DATAPOINT_OF_EVENT: Readonly<Record<string, Datapoint>> = Object.fromEntries(
  DATA_RESOURCES.flatMap((r) => DATA_KINDS[r].events.map((event) => [event, DATA_KINDS[r].datapoint])),
);

/** The datapoint a TASK_FINISHED's `dataPoints` entry names (`IDENTITIES`, `employments`, …), if any. */
export function datapointNamed(name: string): Datapoint | undefined {
  const resource = name.toLowerCase();
  return resource in DATA_KINDS
    ? DATA_KINDS[resource as DataResource].datapoint
    : DATAPOINTS.find((d) => d === resource);
}

/** Counts of stored data per datapoint. */
export type DatapointCounts = Partial<Record<Datapoint, number>>;
