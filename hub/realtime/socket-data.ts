import type { Principal } from '../auth/principal.js';

/** What a socket carries (plain data: the Redis adapter sends it to other hubs for fetchSockets). */
export interface SocketData {
  principal: Principal;
  /** the signed-in user as other viewers see them; null for API keys */
  viewer: { userId: string; name: string } | null;
  teamIds: string[];
  /**
   * Opened with a request's tracking link (the acknowledgement mail's): the socket follows that
   * one request as its customer would, and nothing else. Its principal is a customer of no
   * organisation, so every other room is refused by the usual rules too.
   */
  trackingRequestId?: string;
}
