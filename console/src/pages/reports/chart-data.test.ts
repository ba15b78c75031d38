import { describe, expect, it } from 'vitest';
import type { ReportResult } from '../../../../hub/contracts/api/reports.js';
import { bucketsBetween, chartData } from './chart-data';

const base: Omit<ReportResult, 'rows' | 'chart' | 'params'> = {
  name: 'volume', title: 'Request volume', generatedAt: '2025-01-01T00:00:00Z', notes: [],
  columns: [{ key: 'bucket', label: 'week', type: 'string' }, { key: 'group', label: 'channel', type: 'string' }, { key: 'requests', label: 'Requests', type: 'integer' }],
};

describe('report charts', () => {
  it.each([
    ['day', '2025-01-30', '2025-02-02', ['2025-01-30', '2025-01-31', '2025-02-01', '2025-02-02']],
    ['week', '2025-01-01', '2025-01-14', ['2024-12-30', '2025-01-06', '2025-01-13']],
    ['month', '2024-12-15', '2025-02-01', ['2024-12-01', '2025-01-01', '2025-02-01']],
  ] as const)('lists every %s bucket between %s and %s', (bucket, from, to, expected) => {
    expect(bucketsBetween(from, to, bucket)).toEqual(expected);
  });

  it('puts every bucket on the x axis and fills missing counts of a series with 0', () => {
    const r: ReportResult = {
      ...base, params: { from: '2025-01-01', to: '2025-01-20', timeZone: 'UTC', bucket: 'week', groupBy: 'channel' },
      rows: [{ bucket: '2024-12-30', group: 'phone', requests: 2 }, { bucket: '2025-01-13', group: 'email', requests: 1 }, { bucket: '2025-01-13', group: 'phone', requests: 3 }],
      chart: { kind: 'stacked-bar', x: 'bucket', series: 'group', y: ['requests'] },
    };
    expect(chartData(r)).toEqual({
      labels: ['2024-12-30', '2025-01-06', '2025-01-13', '2025-01-20'],
      datasets: [{ name: 'phone', data: [2, 0, 3, 0] }, { name: 'email', data: [0, 0, 1, 0] }],
    });
  });

  it('names one dataset per measure when there is no series, leaving gaps in lines', () => {
    const r: ReportResult = {
      ...base, params: { from: '2025-01-01', to: '2025-01-31', timeZone: 'UTC', bucket: null, groupBy: 'priority' },
      columns: [{ key: 'group', label: 'priority', type: 'string' }, { key: 'a', label: 'Answered %', type: 'percent' }, { key: 'b', label: 'Resolved %', type: 'percent' }],
      rows: [{ group: 'high', a: 50, b: null }, { group: 'low', a: 100, b: 0 }],
      chart: { kind: 'bar', x: 'group', y: ['a', 'b'] },
    };
    expect(chartData(r)).toEqual({ labels: ['high', 'low'], datasets: [{ name: 'Answered %', data: [50, 100] }, { name: 'Resolved %', data: [null, 0] }] });
  });
});
