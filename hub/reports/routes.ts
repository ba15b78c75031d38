import { createRoute, z } from '@hono/zod-openapi';
import { stringify } from 'csv-stringify/sync';
import type { Db } from '../../db/client.js';
import { ReportInfo, ReportName, ReportQuery, ReportResult } from '../contracts/api/reports.js';
import { listOf } from '../http/pagination.js';
import { createRouter, errorResponses, json, requirePermission } from '../http/router.js';
import { catalogue, runReport } from './catalogue.js';

/** CSV for spreadsheets: a header row of column labels, values as the JSON has them (RFC 4180 quoting by csv-stringify). */
export function toCsv(r: ReportResult): string {
  return stringify(r.rows, { header: true, columns: r.columns.map((c) => ({ key: c.key, header: c.label })), cast: { boolean: (v) => (v ? 'yes' : 'no') } });
}

export function reportRoutes(db: Db) {
  const app = createRouter();
  const tags = ['reports'];

  app.openapi(createRoute({
    method: 'get', path: '/reports', tags,
    description: 'Every report with the time buckets and groupings it takes.',
    responses: { 200: json(listOf(ReportInfo), 'the report catalogue'), ...errorResponses },
  }), async (c) => {
    requirePermission(c, 'reports.read');
    return c.json({ items: catalogue(), nextCursor: null }, 200);
  });

  app.openapi(createRoute({
    method: 'get', path: '/reports/{name}', tags,
    request: { params: z.object({ name: ReportName }), query: ReportQuery },
    description: 'One report over [from, to] (whole UTC days). `format=csv` answers the table as a CSV download.',
    responses: {
      200: {
        description: 'the report: columns, rows and how to chart them',
        content: { 'application/json': { schema: ReportResult }, 'text/csv': { schema: z.string() } },
      },
      ...errorResponses,
    },
  }), async (c) => {
    requirePermission(c, 'reports.read');
    const { format, ...q } = c.req.valid('query');
    const result = await runReport(db, c.req.valid('param').name, q);
    if (format === 'csv') {
      const file = `${result.name}_${result.params.from}_${result.params.to}.csv`;
      return c.body(toCsv(result), 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${file}"` });
    }
    return c.json(result, 200);
  });

  return app;
}
