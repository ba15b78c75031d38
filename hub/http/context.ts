import type { Principal } from '../auth/principal.js';
import type { Logger } from '../platform/logger.js';

export interface HubEnv {
  Variables: {
    requestId: string;
    log: Logger;
    principal: Principal | null;
  };
}
