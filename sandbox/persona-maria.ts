import type { PersonaData } from './persona-data.js';
import { contributions, employment, identity, iso, monthEnd, monthStart, range } from './persona-helpers.js';
import type { SandboxPersona } from './users.js';

const GROSS = 12_500;
const NET = 10_800;

/** One semi-monthly pay item: the 1st–15th or the 16th–last day of the month `n` months before now. */
function halfMonth(now: Date, n: number, half: 1 | 2) {
  const start = monthStart(now, n);
  const day = (d: number) => iso(new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), d)));
  return {
    workItem: null,
    employer: 'Luzon Harbor Logistics Inc.',
    startDate: half === 1 ? day(1) : day(16),
    endDate: half === 1 ? day(15) : iso(monthEnd(now, n)),
    currency: 'PHP',
    frequency: 'Semimonthly',
    baseAmount: GROSS,
    grossAmount: GROSS,
    netAmount: NET,
  };
}

/**
 * Maria: a current employer since 26 months, SSS contributions every
 * month, and semi-monthly pay: two `incomes` items a month (1–15 and 16–end),
 * each PHP 12,500 gross / 10,800 net, for the last 12 months, so PHP 25,000 /
 * 21,600 a month. Past the 15th, the current month's first half is paid too: a
 * partial month the income rule leaves out.
 */
export function mariaData(p: SandboxPersona, now: Date): PersonaData {
  const paid = range(1, 12).flatMap((n) => [halfMonth(now, n, 1), halfMonth(now, n, 2)]);
  if (now.getUTCDate() > 15) paid.push(halfMonth(now, 0, 1));
  return {
    identity: identity(
      p,
      {
        fullName: 'Maria Clara Santos',
        firstName: 'Maria',
        middleName: 'Clara',
        lastName: 'Santos',
        gender: 'Female',
        dob: '1991-05-19',
        countryResidence: 'PH',
      },
      {
        fullAddress: '88 Jupiter St, Bel-Air, Makati City, NCR, 1209, PH',
        line1: '88 Jupiter St',
        line2: 'Bel-Air',
        city: 'Makati City',
        region: 'NCR',
        zip: '1209',
        country: 'PH',
        latitude: '14.561700',
        longitude: '121.026700',
      },
    ),
    employments: [
      employment(now, {
        from: 26,
        name: 'Operations',
        jobTitle: 'Logistics Coordinator',
        employeeNumber: 'LHL-20417',
        employerNumber: 'ER-447120',
        employer: 'Luzon Harbor Logistics Inc.',
      }),
    ],
    contributions: contributions(now, range(1, 24), 'PHP', 1_350, 'MS'),
    incomes: paid.sort((a, b) => a.endDate.localeCompare(b.endDate)),
    eincomes: [],
  };
}
