import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { RateLimited } from '../platform/errors.js';

/** ip: submissions per address; email: per sender; lookup: serial look-ups per address (six times the submission rate) */
export type LimitKind = 'ip' | 'email' | 'lookup';

export interface PublicLimits {
  ipPerMinute: number;
  emailPerHour: number;
}

/**
 * Per-address and per-sender counters for the public routes. With REDIS_URL the counters live
 * in Redis (rate-limiter-flexible's atomic Lua increments), so every hub behind a load balancer
 * counts the same submissions; without it each process counts in memory.
 */
export class PublicRateLimiter {
  readonly #limiters: Record<LimitKind, RateLimiterAbstract>;
  readonly #redis: Redis | null;
  readonly store: 'redis' | 'memory';

  constructor(limits: PublicLimits, opts: { redisUrl?: string | undefined; prefix: string; onRedisError?: (err: Error) => void }) {
    this.#redis = opts.redisUrl ? new Redis(opts.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false }) : null;
    this.#redis?.on('error', (err: Error) => opts.onRedisError?.(err));
    this.store = this.#redis ? 'redis' : 'memory';
    const make = (kind: LimitKind, points: number, duration: number): RateLimiterAbstract => {
      const keyPrefix = `${opts.prefix}:rl:${kind}`;
      const memory = new RateLimiterMemory({ keyPrefix, points, duration });
      // While Redis is unreachable each hub counts in memory (the insurance limiter) rather than
      // refusing every submission or letting them through unmetered.
      return this.#redis
        ? new RateLimiterRedis({ storeClient: this.#redis, keyPrefix, points, duration, rejectIfRedisNotReady: true, insuranceLimiter: memory })
        : memory;
    };
    this.#limiters = {
      ip: make('ip', limits.ipPerMinute, 60), email: make('email', limits.emailPerHour, 3600), lookup: make('lookup', limits.ipPerMinute * 6, 60),
    };
  }

  /** false while the Redis counters are unreachable (the memory insurance counts meanwhile) */
  get isRedisReady(): boolean {
    return this.#redis?.status === 'ready';
  }

  /** Counts one attempt; over the limit it throws 429 with the seconds until the window frees a slot. */
  async consume(kind: LimitKind, key: string): Promise<void> {
    try {
      await this.#limiters[kind].consume(key.toLowerCase());
    } catch (res) {
      if (res instanceof RateLimiterRes) {
        const seconds = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
        const what = kind === 'email' ? 'submissions for this email address' : kind === 'ip' ? 'submissions from your address' : 'look-ups from your address';
        throw new RateLimited(`too many ${what}; try again in ${seconds} s`, seconds);
      }
      throw res;
    }
  }

  async close(): Promise<void> {
    await this.#redis?.quit().catch(() => this.#redis?.disconnect());
  }
}
