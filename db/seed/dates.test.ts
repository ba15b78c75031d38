import { describe, expect, it } from 'vitest';
import { addDays, addMonths, easterSunday } from './dates.js';
import { planAssets } from './demo-assets.js';
import { DEMO_MODELS } from './demo-catalogue.js';
import { DEMO_CUSTOMERS } from './demo-customers.js';
import { HOLIDAYS_DE, HOLIDAYS_HU, HOLIDAYS_PL } from './demo-organisation.js';
import { createRng } from './prng.js';

describe('calendar days', () => {
  it.each([
    ['2024-01-31', 1, '2024-02-29'],
    ['2023-01-31', 1, '2023-02-28'],
    ['2022-03-15', 24, '2024-03-15'],
    ['2023-12-31', 36, '2026-12-31'],
  ])('adds months to %s + %i = %s, clamping to the month end', (day, months, expected) => {
    expect(addMonths(day, months)).toBe(expected);
  });

  it('crosses year ends when adding days', () => {
    expect(addDays('2026-12-30', 3)).toBe('2027-01-02');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });

  it.each([[2024, '2024-03-31'], [2025, '2025-04-20'], [2026, '2026-04-05'], [2027, '2027-03-28']])(
    'finds Easter Sunday %i on %s', (year, expected) => { expect(easterSunday(year)).toBe(expected); },
  );

  it('derives the movable holidays from Easter', () => {
    // Good Friday, Easter Monday, Ascension, Whit Monday 2027; German Unity Day.
    expect(HOLIDAYS_DE).toEqual(expect.arrayContaining(['2027-03-26', '2027-03-29', '2027-05-06', '2027-05-17', '2027-10-03']));
    // Easter Monday, Corpus Christi, Independence Day 2026.
    expect(HOLIDAYS_PL).toEqual(expect.arrayContaining(['2026-04-06', '2026-06-04', '2026-11-11']));
    expect(HOLIDAYS_HU).toEqual(expect.arrayContaining(['2026-04-03', '2026-03-15', '2026-08-20', '2026-05-25']));
  });
});

describe('the asset plan', () => {
  const warranty = new Map(DEMO_MODELS.map((m) => [m.code, m.warrantyMonths]));

  it('is the same for the same seed and day', () => {
    const a = planAssets(createRng(42), DEMO_CUSTOMERS, warranty, '2026-06-01');
    const b = planAssets(createRng(42), DEMO_CUSTOMERS, warranty, '2026-06-01');
    expect(a).toEqual(b);
    expect(a).toHaveLength(200);
  });

  it('gives every customer units of models its business runs, on its own sites', () => {
    const plan = planAssets(createRng(7), DEMO_CUSTOMERS, warranty, '2026-06-01');
    for (const c of DEMO_CUSTOMERS) {
      const own = plan.filter((p) => p.customerRef === c.ref);
      expect(own.length, c.ref).toBeGreaterThanOrEqual(3);
      expect(own.every((p) => p.siteIndex < c.sites.length)).toBe(true);
    }
    expect(plan[0]?.serialNumber).toMatch(/^[A-Z0-9]+-\d{4}-\d{6}$/);
  });
});
