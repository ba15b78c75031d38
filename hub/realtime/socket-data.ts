import type { Principal } from '../auth/principal.js';

/** What a socket carries (plain data: the Redis adapter sends it to other hubs for fetchSockets). */
export interface SocketData {
  principal: Principal;
  /** the signed-in user as other viewers see them; null for API keys */
  viewer: { userId: string; name: string } | null;
  teamIds: string[];
}
