import { describe, expect, it } from 'vitest';
import { REPORT_NAMES } from '../contracts/api/reports.js';
import { BadRequest } from '../platform/errors.js';
import { catalogue, MAX_RANGE_DAYS, REPORTS, resolveParams } from './catalogue.js';

describe('report parameters', () => {
  const today = new Date('2025-03-10T15:00:00Z');

  it('defaults to the 30 days up to today and the report\'s own bucket and grouping', () => {
    expect(resolveParams(REPORTS.volume, {}, today)).toEqual({ from: '2025-02-09', to: '2025-03-10', timeZone: 'UTC', bucket: 'day', groupBy: 'channel' });
    expect(resolveParams(REPORTS['alarm-rate'], { to: '2025-01-31' }, today)).toEqual({ from: '2025-01-02', to: '2025-01-31', timeZone: 'UTC', bucket: 'month', groupBy: 'model' });
    expect(resolveParams(REPORTS.parts, { from: '2025-01-01', to: '2025-01-01' }, today)).toEqual({ from: '2025-01-01', to: '2025-01-01', timeZone: 'UTC', bucket: null, groupBy: null });
  });

  it('ends the default range on today in the zone asked for', () => {
    expect(resolveParams(REPORTS.volume, { timeZone: 'Pacific/Honolulu' }, new Date('2025-03-10T05:00:00Z'))).toMatchObject({ from: '2025-02-08', to: '2025-03-09' });
  });

  it.each([
    ['volume', { from: '2025-02-01', to: '2025-01-31' }, 'from'],
    ['volume', { from: '2020-01-01', to: '2025-01-31' }, 'to'],
    ['alarm-rate', { bucket: 'day' as const }, 'bucket'],
    ['sla', { bucket: 'week' as const }, 'bucket'],
    ['volume', { groupBy: 'technician' as const }, 'groupBy'],
    ['parts', { groupBy: 'model' as const }, 'groupBy'],
  ] as const)('rejects for %s %o, naming %s', (name, q, field) => {
    expect(() => resolveParams(REPORTS[name], q, today)).toThrow(BadRequest);
    try { resolveParams(REPORTS[name], q, today); } catch (err) { expect((err as BadRequest).details?.fields).toHaveProperty(field); }
  });

  it('accepts a range of exactly the maximum length', () => {
    const from = new Date(Date.parse('2025-01-31T00:00:00Z') - (MAX_RANGE_DAYS - 1) * 86_400_000).toISOString().slice(0, 10);
    expect(resolveParams(REPORTS.sla, { from, to: '2025-01-31' }, today).from).toBe(from);
  });

  it('lists every report name once, each with a default among its own choices', () => {
    const list = catalogue();
    expect(list.map((r) => r.name).sort()).toEqual([...REPORT_NAMES].sort());
    for (const r of list) {
      expect(r.defaultBucket === null ? r.buckets : [r.buckets.includes(r.defaultBucket)], r.name).toEqual(r.defaultBucket === null ? [] : [true]);
      expect(r.defaultGroupBy === null ? r.groupBys : [r.groupBys.includes(r.defaultGroupBy)], r.name).toEqual(r.defaultGroupBy === null ? [] : [true]);
    }
  });
});
