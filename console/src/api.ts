// The console's one API client: same-origin, session cookie, the hub's error shape.
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly details?: Record<string, unknown>) {
    super(message);
  }
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`/api${path}`, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const data = text ? JSON.parse(text) : null;
  if (!res.ok) {
    const e = data?.error ?? {};
    throw new ApiError(res.status, e.code ?? 'HTTP', e.message ?? res.statusText, e.details);
  }
  return data as T;
}

export interface Me { kind: 'user' | 'api_key'; role: string; user: { name: string; email: string } | null }
export interface Page<T> { items: T[]; nextCursor: string | null }
