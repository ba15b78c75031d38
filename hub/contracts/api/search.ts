import { z } from '@hono/zod-openapi';
import { Channel, ORDER_STATUSES, Priority, REQUEST_STATUSES, RequestType } from '../model.js';

export const SearchKind = z.enum(['request', 'customer', 'contact', 'asset', 'order', 'article']);

export const SearchQuery = z.object({
  q: z.string().trim().min(1).max(200).describe('words (prefix match, with or without diacritics), SR-000123, WO-000045, a serial or a phone number'),
  kind: SearchKind.optional(),
  type: RequestType.optional(),
  channel: Channel.optional(),
  status: z.enum([...new Set([...REQUEST_STATUSES, ...ORDER_STATUSES])] as [string, ...string[]]).optional().describe('a request or order status'),
  priority: Priority.optional(),
  from: z.iso.datetime({ offset: true }).or(z.iso.date()).optional().describe('created at or after'),
  to: z.iso.datetime({ offset: true }).or(z.iso.date()).optional().describe('created before'),
  teamId: z.uuid().optional(),
  customerId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(50).default(20),
}).openapi('SearchQuery');

export const SearchHit = z.object({
  kind: SearchKind,
  id: z.uuid(),
  title: z.string(),
  titleHighlights: z.array(z.tuple([z.number().int(), z.number().int()])).describe('[start, end) ranges of title that matched'),
  snippet: z.object({
    text: z.string(),
    highlights: z.array(z.tuple([z.number().int(), z.number().int()])).describe('[start, end) character ranges of snippet.text that matched'),
  }),
  /** the request a result opens: its own, an order's, or an asset's, contact's or customer's newest */
  requestId: z.uuid().nullable(),
  customerId: z.uuid().nullable(),
  status: z.string().nullable(),
  priority: z.string().nullable(),
  createdAt: z.string(),
  rank: z.number(),
}).openapi('SearchHit');

export const SearchResult = z.object({
  items: z.array(SearchHit),
  jump: z.object({ kind: SearchKind, id: z.uuid(), requestId: z.uuid().nullable() }).nullable()
    .describe('the query named one thing exactly (number, serial, phone): open it; it is also items[0]'),
  corrected: z.object({
    query: z.string().describe('the query as searched, each corrected word replaced'),
    words: z.array(z.object({ from: z.string(), to: z.string() })).describe('folded query words that matched nothing, and what was searched instead'),
  }).nullable().describe('the words as typed found nothing; these results are for the nearest known words (typo tolerance)'),
}).openapi('SearchResult');
