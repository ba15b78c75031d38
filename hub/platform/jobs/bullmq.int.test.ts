import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, afterEach, expect } from 'vitest';
import { createBullmqJobRunner } from './bullmq.js';
import { runJobRunnerContract } from './contract.js';

const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const logger = pino({ level: 'silent' });
const queueName = 'jobs';
let prefixes: string[] = [];
const admin = new Redis(redisUrl, { maxRetriesPerRequest: null });

runJobRunnerContract('bullmq', async (registry, opts) => {
  // a fresh prefix per case, as BullMQ's own suite uses a fresh queue name, so cases never meet
  const prefix = `test-jobs-${randomUUID()}`;
  prefixes.push(prefix);
  return createBullmqJobRunner({ registry, logger, redisUrl, prefix, queueName, ...opts });
});

// runs after the contract's own afterEach has closed the case's runners
afterEach(async () => {
  for (const prefix of prefixes) {
    const queue = new Queue(queueName, { connection: admin, prefix });
    await queue.obliterate({ force: true });
    await queue.close();
    expect(await admin.keys(`${prefix}:*`)).toEqual([]);
  }
  prefixes = [];
});

afterAll(async () => {
  await admin.quit();
});
