import { contributions, eincomes, employment, identity, iso, monthEnd, monthStart, range } from './persona-helpers.js';
import { mariaData } from './persona-maria.js';
import type { SandboxPersona } from './users.js';

/** The data a provider returns for a persona, before ids and metadata are attached. */
export interface PersonaData {
  identity: Record<string, unknown>;
  employments: Record<string, unknown>[];
  contributions: Record<string, unknown>[];
  incomes: Record<string, unknown>[];
  eincomes: Record<string, unknown>[];
}

/**
 * Each persona's data, with dates relative to `now` so that the outcomes
 * stay the same whatever the day.
 */
export function personaData(p: SandboxPersona, now: Date): PersonaData {
  switch (p.key) {
    case 'george':
      // The seed's George: a current job for two years and SSS contributions every month.
      return {
        identity: identity(
          p,
          {
            fullName: 'George Cimafranca Palomero, Jr',
            firstName: 'George',
            middleName: 'Cimafranca',
            lastName: 'Palomero',
            suffix: 'Jr',
            gender: 'Male',
            dob: '1970-08-24',
            maritalStatus: 'Married',
            countryResidence: 'PH',
            photoUrl: 'https://cdn.smileapi.io/image/avatar/v20211115191600/george.jpg',
            socialProfiles: [{ socialUrl: 'https://www.facebook.com/gpalomero1234', type: 'Facebook' }],
          },
          {
            fullAddress: '12 Maybunga St, Barangay Paraiso, Pasig City, NCR, 1600, PH',
            line1: '12 Maybunga St',
            line2: 'Barangay Paraiso',
            city: 'Pasig City',
            region: 'NCR',
            zip: '1600',
            country: 'PH',
            latitude: '14.573454',
            longitude: '121.085042',
          },
        ),
        employments: [
          employment(now, {
            from: 26,
            name: 'Security',
            jobTitle: 'Security Guard',
            employeeNumber: 'EMP-123456',
            employerNumber: 'ER-654321',
            employer: 'ABC Corporation',
          }),
          employment(now, {
            from: 50,
            to: 27,
            name: 'Security',
            jobTitle: 'Security Guard',
            employeeNumber: 'CDE-98765',
            employerNumber: 'ER-98765',
            employer: 'CDE Corporation',
          }),
        ],
        contributions: contributions(now, range(1, 24), 'PHP', 1375, 'PA'),
        incomes: range(1, 3).map((n) => ({
          workItem: null,
          employer: 'ABC Corporation',
          startDate: iso(monthStart(now, n)),
          endDate: iso(monthEnd(now, n)),
          currency: 'PHP',
          frequency: 'Monthly',
          baseAmount: 8500,
          grossAmount: 10000,
          netAmount: 7820.25,
        })),
        eincomes: eincomes(now, range(1, 12), 'PHP', 8500),
      };
    case 'ryan':
      // Employed for over a year, but no contributions 4 to 6 months ago: a gap of three months.
      return {
        identity: identity(
          p,
          {
            fullName: 'Ryan Ng',
            firstName: 'Ryan',
            lastName: 'Ng',
            gender: 'Male',
            dob: '1988-03-12',
            countryResidence: 'ID',
          },
          {
            fullAddress: 'Jl. Jenderal Sudirman Kav. 52-53, Jakarta Selatan, DKI Jakarta, 12190, ID',
            line1: 'Jl. Jenderal Sudirman Kav. 52-53',
            city: 'Jakarta Selatan',
            region: 'DKI Jakarta',
            zip: '12190',
            country: 'ID',
            latitude: '-6.224190',
            longitude: '106.809200',
          },
        ),
        employments: [
          employment(now, {
            from: 14,
            jobTitle: 'Warehouse Supervisor',
            employeeNumber: 'NDG-20931',
            employerNumber: 'ER-771203',
            employer: 'PT Nusantara Digital Gudang',
          }),
        ],
        contributions: contributions(now, [1, 2, 3, 7, 8, 9, 10], 'IDR', 342_000, 'JHT'),
        incomes: [],
        eincomes: eincomes(now, [1, 2, 3, 7, 8, 9, 10], 'IDR', 7_600_000),
      };
    case 'christina':
      // Her only employment ended four years ago; so did her contributions.
      return {
        identity: identity(
          p,
          {
            fullName: 'Christina Tan',
            firstName: 'Christina',
            lastName: 'Tan',
            gender: 'Female',
            dob: '1979-11-02',
            countryResidence: 'SG',
          },
          {
            fullAddress: '231 Tampines Street 21, #07-113, Singapore 521231, SG',
            line1: '231 Tampines Street 21',
            line2: '#07-113',
            city: 'Singapore',
            region: null,
            zip: '521231',
            country: 'SG',
            latitude: '1.355200',
            longitude: '103.951200',
          },
        ),
        employments: [
          employment(now, {
            from: 96,
            to: 48,
            jobTitle: 'Accounts Executive',
            employeeNumber: 'LCL-0457',
            employerNumber: 'UEN-200812345K',
            employer: 'Lion City Logistics Pte Ltd',
          }),
        ],
        contributions: contributions(now, range(49, 72), 'SGD', 1110, 'CPF'),
        incomes: [],
        eincomes: [],
      };
    case 'anisha':
      // The provider shares her identity and nothing else.
      return {
        identity: identity(
          p,
          {
            fullName: 'Anisha Bhatia',
            firstName: 'Anisha',
            lastName: 'Bhatia',
            gender: 'Female',
            dob: '1994-06-30',
            countryResidence: 'IN',
          },
          {
            fullAddress: '14 Link Road, Malad West, Mumbai, Maharashtra, 400064, IN',
            line1: '14 Link Road',
            line2: 'Malad West',
            city: 'Mumbai',
            region: 'Maharashtra',
            zip: '400064',
            country: 'IN',
            latitude: '19.186700',
            longitude: '72.848600',
          },
        ),
        employments: [],
        contributions: [],
        incomes: [],
        eincomes: [],
      };
    case 'maria':
      return mariaData(p, now);
  }
}
