import type { LoggedEvent, RequestSummary } from '../api/types';

// Pure rules for keeping a loaded page of the queue in step with the event stream.

export interface QueueFilter {
  /** "open" (every open status) or one status */
  status: string;
  channel?: string;
  type?: string;
  priority?: string;
  team?: string;
  assignee?: string;
  q?: string;
}

const OPEN = new Set(['new', 'assigned', 'in_progress', 'waiting_customer', 'suspended', 'escalated']);

/**
 * Does a request belong on a board with this filter? Text search is the server's (it also reads
 * the description): a live row is kept only when its number or subject visibly matches.
 */
export function matchesFilter(r: RequestSummary, f: QueueFilter): boolean {
  if (f.status === 'open' ? !OPEN.has(r.status) : f.status && f.status !== 'all' && r.status !== f.status) return false;
  if (f.channel && r.channel !== f.channel) return false;
  if (f.type && r.type !== f.type) return false;
  if (f.priority && r.priority !== f.priority) return false;
  if (f.team && r.teamId !== f.team) return false;
  if (f.assignee && r.assigneeId !== f.assignee) return false;
  if (f.q) {
    const q = f.q.trim().toLowerCase();
    const digits = /^(?:sr-?)?0*(\d{1,9})$/.exec(q);
    if (digits) return Number(r.number.replace(/\D/g, '')) === Number(digits[1]);
    return r.subject.toLowerCase().includes(q);
  }
  return true;
}

/** Newest first, ties by id descending: the order of GET /api/requests. */
export function compareRows(a: RequestSummary, b: RequestSummary): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

export function requestOf(event: LoggedEvent): RequestSummary | null {
  switch (event.type) {
    case 'request.created':
      return event.data;
    case 'request.updated':
    case 'request.duplicate_attached':
    case 'sla.breached':
      return event.data.request;
    default:
      return null;
  }
}

export interface QueueChange<T extends RequestSummary> {
  rows: T[];
  /** ids that arrived on the board now (to highlight) */
  arrived: string[];
}

/**
 * Applies one event to the loaded rows. A snapshot older than the row (by version) changes
 * nothing; a row that stops matching leaves; a new match enters in order, unless it sorts below
 * the loaded page while more pages exist (paging will bring it).
 */
export function applyToQueue<T extends RequestSummary>(rows: readonly T[], event: LoggedEvent, filter: QueueFilter, hasMore: boolean): QueueChange<T> {
  const next = requestOf(event);
  if (!next) return { rows: rows as T[], arrived: [] };
  const at = rows.findIndex((r) => r.id === next.id);
  const current = at >= 0 ? rows[at]! : null;
  if (current && current.version >= next.version) return { rows: rows as T[], arrived: [] };
  const isMatch = matchesFilter(next, filter);
  if (current) {
    const out = rows.slice();
    if (isMatch) out[at] = { ...current, ...next };
    else out.splice(at, 1);
    return { rows: out, arrived: [] };
  }
  if (!isMatch) return { rows: rows as T[], arrived: [] };
  const pos = insertionIndex(rows, next);
  if (pos === rows.length && hasMore) return { rows: rows as T[], arrived: [] };
  const out = rows.slice();
  out.splice(pos, 0, next as T);
  return { rows: out, arrived: [next.id] };
}

function insertionIndex(rows: readonly RequestSummary[], r: RequestSummary): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareRows(rows[mid]!, r) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Appends a page from the server, skipping rows a live event already put on the board. */
export function appendPage<T extends RequestSummary>(rows: readonly T[], page: readonly T[]): T[] {
  const seen = new Set(rows.map((r) => r.id));
  return [...rows, ...page.filter((r) => !seen.has(r.id))];
}
