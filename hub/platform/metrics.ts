import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per hub instance (not prom-client's global), so tests can run several hubs. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'hub_' });
  return {
    registry,
    httpRequests: new Counter({
      name: 'hub_http_requests_total', help: 'HTTP requests by route and status',
      labelNames: ['method', 'route', 'status'] as const, registers: [registry],
    }),
    httpSeconds: new Histogram({
      name: 'hub_http_request_duration_seconds', help: 'HTTP request duration',
      labelNames: ['method', 'route'] as const, buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [registry],
    }),
    intakeEvents: new Counter({
      name: 'hub_intake_events_total', help: 'intake events by channel and outcome (created, attached, duplicate, rejected)',
      labelNames: ['channel', 'outcome'] as const, registers: [registry],
    }),
    intakeBatchSize: new Histogram({
      name: 'hub_intake_batch_size', help: 'events per intake transaction (group commit)',
      buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500], registers: [registry],
    }),
    intakeBatchSeconds: new Histogram({
      name: 'hub_intake_batch_seconds', help: 'time to commit one intake batch',
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1], registers: [registry],
    }),
    intakeBatchFailures: new Counter({
      name: 'hub_intake_batch_failures_total', help: 'intake transactions that failed as a whole', registers: [registry],
    }),
    deadLetters: new Counter({
      name: 'hub_dead_letters_total', help: 'inputs sent to the dead-letter table, by source and reason',
      labelNames: ['source', 'reason'] as const, registers: [registry],
    }),
    jobs: new Counter({
      name: 'hub_jobs_total', help: 'jobs run, by name and outcome', labelNames: ['name', 'outcome'] as const, registers: [registry],
    }),
    alarmMessages: new Counter({
      name: 'hub_alarm_messages_total', help: 'MQTT alarm messages committed, by outcome (recorded, duplicate, dead_letter)',
      labelNames: ['outcome'] as const, registers: [registry],
    }),
    alarmBatchSize: new Histogram({
      name: 'hub_alarm_batch_size', help: 'alarm messages per transaction (group commit)',
      buckets: [1, 5, 25, 100, 250, 500, 1000, 2000], registers: [registry],
    }),
    alarmBatchSeconds: new Histogram({
      name: 'hub_alarm_batch_seconds', help: 'time to commit one alarm batch',
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1], registers: [registry],
    }),
    alarmMessageAge: new Histogram({
      name: 'hub_alarm_message_age_seconds', help: 'from an alarm message\'s time (its ts, else arrival) to the commit that recorded it',
      buckets: [0.002, 0.005, 0.01, 0.015, 0.02, 0.03, 0.04, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers: [registry],
    }),
    loginFailures: new Counter({ name: 'hub_login_failures_total', help: 'failed sign-ins', registers: [registry] }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
