import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_REDIS_URL } from '../../test/support/env.js';
import { RateLimited } from '../platform/errors.js';
import { PublicRateLimiter } from './rate-limit.js';

const LIMITS = { ipPerMinute: 2, emailPerHour: 3 };
const open: PublicRateLimiter[] = [];
const limiter = (redisUrl: string | undefined, prefix: string) => {
  const l = new PublicRateLimiter(LIMITS, { redisUrl, prefix });
  open.push(l);
  return l;
};
const refused = (p: Promise<void>) => p.then(() => null, (err: unknown) => err);

describe('public rate limiter', () => {
  afterEach(async () => { await Promise.all(open.splice(0).map((l) => l.close())); });

  it('shares the counters between hubs through Redis', async () => {
    const prefix = `t${randomBytes(4).toString('hex')}`;
    const [a, b] = [limiter(TEST_REDIS_URL, prefix), limiter(TEST_REDIS_URL, prefix)];
    await expect.poll(() => a.isRedisReady && b.isRedisReady, { timeout: 15_000 }).toBe(true);
    await a.consume('ip', '192.0.2.1');
    await b.consume('ip', '192.0.2.1');
    const err = await refused(a.consume('ip', '192.0.2.1'));
    expect(err).toBeInstanceOf(RateLimited);
    expect((err as RateLimited).retryAfterSeconds).toBeGreaterThan(0);
    expect((err as RateLimited).retryAfterSeconds).toBeLessThanOrEqual(60);
    // Senders are counted apart from addresses, case-insensitively.
    for (const e of ['Eva@Example.com', 'eva@example.com', 'EVA@EXAMPLE.COM']) await b.consume('email', e);
    expect(await refused(a.consume('email', 'eva@example.com'))).toBeInstanceOf(RateLimited);
  });

  it('counts per process in memory without Redis', async () => {
    const prefix = `t${randomBytes(4).toString('hex')}`;
    const [a, b] = [limiter(undefined, prefix), limiter(undefined, prefix)];
    expect(a.store).toBe('memory');
    await a.consume('ip', '192.0.2.2');
    await a.consume('ip', '192.0.2.2');
    expect(await refused(a.consume('ip', '192.0.2.2'))).toBeInstanceOf(RateLimited);
    expect(await refused(b.consume('ip', '192.0.2.2'))).toBeNull();
  });

  it('keeps limiting in memory while Redis is unreachable', async () => {
    const l = limiter('redis://127.0.0.1:1', `t${randomBytes(4).toString('hex')}`);
    expect(l.store).toBe('redis');
    expect(l.isRedisReady).toBe(false);
    await l.consume('ip', '192.0.2.3');
    await l.consume('ip', '192.0.2.3');
    expect(await refused(l.consume('ip', '192.0.2.3'))).toBeInstanceOf(RateLimited);
  });
});
