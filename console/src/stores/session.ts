import { createSignal } from 'solid-js';
import { can, type Permission } from '../../../hub/auth/permissions.js';
import { api, ApiError, onUnauthorized } from '../api/client';
import type { Me } from '../api/types';

// Who is signed in. `undefined` while the first /auth/me is in flight, `null` when signed out.
const [me, setMe] = createSignal<Me | null | undefined>(undefined);
const [expiredAt, setExpiredAt] = createSignal<Date | null>(null);

export { me, expiredAt };

export async function loadSession(): Promise<void> {
  try {
    setMe(await api<Me>('GET', '/auth/me'));
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) setMe(null);
    else throw err;
  }
}

export async function signIn(email: string, password: string): Promise<void> {
  await api('POST', '/auth/login', { body: { email, password } });
  setExpiredAt(null);
  await loadSession();
}

export async function signOut(): Promise<void> {
  await api('POST', '/auth/logout').catch(() => undefined);
  setMe(null);
}

/** Role-aware navigation asks the hub's own permission matrix, so console and API agree. */
export function allows(permission: Permission): boolean {
  const m = me();
  return !!m && can(m.role, permission);
}

export function myUserId(): string | null {
  return me()?.user?.id ?? null;
}

// Any 401 (an expired or revoked session) signs the console out; the login page says why.
onUnauthorized(() => {
  if (me()) setExpiredAt(new Date());
  setMe(null);
});
