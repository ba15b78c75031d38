import { loadConfig } from '../hub/config.js';
import { startHub } from '../hub/hub.js';
import { createLogger } from '../hub/platform/logger.js';

// The hub under test for `npm run bench -- webform`, in its own process so that the load
// generator does not share its event loop. Reports its port over IPC and stops on 'stop'.
const hub = await startHub(loadConfig({
  DATABASE_URL: process.env.BENCH_HUB_DATABASE_URL, PORT: '0', MQTT_PORT: '0', LOG_LEVEL: 'silent', DATA_DIR: `.tmp/bench-webform-${process.pid}`,
  HUB_ADMIN_EMAIL: 'bench@example.com', HUB_ADMIN_PASSWORD: 'bench-password-123',
  PUBLIC_RATE_IP_PER_MINUTE: '100000000', PUBLIC_RATE_EMAIL_PER_HOUR: '100000000',
}), { log: createLogger('silent') });
process.send?.({ port: hub.httpPort });
process.on('message', (m) => {
  if (m === 'stop') void hub.close().then(() => process.exit(0));
});
