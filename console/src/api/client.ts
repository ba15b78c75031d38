// The console's one API client: same-origin, the session cookie, the hub's one error shape.
// A 401 anywhere sends the agent to sign in (the session store listens); no stack trace ever
// reaches the screen: an unreadable answer becomes a short, plain message.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly requestId: string | null = null,
  ) {
    super(message);
  }

  /** details.fields of a 400: which field is wrong and why */
  get fields(): Record<string, string> {
    const f = this.details.fields;
    return f && typeof f === 'object' ? Object.fromEntries(Object.entries(f).map(([k, v]) => [k, String(v)])) : {};
  }
}

export interface Page<T> { items: T[]; nextCursor: string | null }

type UnauthorizedListener = () => void;
const unauthorizedListeners = new Set<UnauthorizedListener>();

/** Called on every 401 except the sign-in attempt itself. */
export function onUnauthorized(fn: UnauthorizedListener): () => void {
  unauthorizedListeners.add(fn);
  return () => unauthorizedListeners.delete(fn);
}

export interface RequestOptions {
  body?: unknown;
  /** raw text body (CSV import) */
  text?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export async function api<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
  let body: string | undefined;
  if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  } else if (opts.text !== undefined) {
    headers['content-type'] ??= 'text/csv';
    body = opts.text;
  }
  let res: Response;
  try {
    res = await fetch(`/api${path}`, { method, credentials: 'same-origin', headers, body, signal: opts.signal });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'NETWORK', 'The hub cannot be reached. Check your connection.');
  }
  const data = await readJson(res);
  if (!res.ok) {
    const e = errorOf(data);
    if (res.status === 401 && path !== '/auth/login') unauthorizedListeners.forEach((fn) => fn());
    throw new ApiError(res.status, e.code ?? `HTTP_${res.status}`, e.message ?? fallbackMessage(res.status), e.details ?? {}, e.requestId ?? null);
  }
  return data as T;
}

async function readJson(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

interface WireError { code?: string; message?: string; details?: Record<string, unknown>; requestId?: string }

function errorOf(data: unknown): WireError {
  if (!data || typeof data !== 'object' || !('error' in data)) return {};
  const e = (data as { error: unknown }).error;
  if (!e || typeof e !== 'object') return {};
  const w = e as Record<string, unknown>;
  return {
    code: typeof w.code === 'string' ? w.code : undefined,
    message: typeof w.message === 'string' ? w.message : undefined,
    details: w.details && typeof w.details === 'object' ? (w.details as Record<string, unknown>) : undefined,
    requestId: typeof w.requestId === 'string' ? w.requestId : undefined,
  };
}

function fallbackMessage(status: number): string {
  if (status === 404) return 'Not found.';
  if (status === 403) return 'You do not have permission for this.';
  if (status >= 500) return 'The hub had a problem answering. Try again in a moment.';
  return `The hub answered ${status}.`;
}

/** A short text for any error, for toasts and inline messages. */
export function messageOf(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  return 'Something went wrong. Try again.';
}

export function qs(params: Record<string, string | number | undefined | null>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}
