/**
 * The datapoints a policy can require. Kept apart from policy.ts so that the
 * workflow bundle does not pull in zod (a workflow never validates: the API did).
 */
export const DATAPOINTS = ['identity', 'employments', 'contributions', 'incomes'] as const;
export type Datapoint = (typeof DATAPOINTS)[number];
