import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('runs on embedded defaults with no variables', () => {
    const c = loadConfig({});
    expect(c.http).toEqual({ port: 3000, isPortExplicit: false });
    expect(c.mqtt).toMatchObject({ port: 1883, isPortExplicit: false });
    expect(c.databaseUrl).toBeUndefined();
    expect(c.redisUrl).toBeUndefined();
    expect(c.pgliteDir).toMatch(/data\/pg$/);
    expect(c.admin).toBeUndefined();
  });

  it('treats blank values as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: ' ' }).http.isPortExplicit).toBe(false);
  });

  it('takes services and marks explicit ports', () => {
    const c = loadConfig({ PORT: '8080', DATABASE_URL: 'postgres://u:p@db:5432/hub', REDIS_URL: 'redis://r:6379', MQTT_URL: 'mqtt://broker:1883' });
    expect(c.http).toEqual({ port: 8080, isPortExplicit: true });
    expect(c.databaseUrl).toBe('postgres://u:p@db:5432/hub');
    expect(c.mqtt.url).toBe('mqtt://broker:1883');
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x/y' }, 'DATABASE_URL'],
    [{ REDIS_URL: 'localhost:6379' }, 'REDIS_URL'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ HUB_ADMIN_EMAIL: 'boss@example.com' }, 'HUB_ADMIN_PASSWORD'],
    [{ HUB_ADMIN_EMAIL: 'boss@example.com', HUB_ADMIN_PASSWORD: 'short' }, 'HUB_ADMIN_PASSWORD'],
    [{ HUB_ADMIN_EMAIL: 'not-an-email', HUB_ADMIN_PASSWORD: 'long-enough-password' }, 'HUB_ADMIN_EMAIL'],
  ])('stops with a message naming the variable for %j', (env, variable) => {
    let error: unknown;
    try { loadConfig(env); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.some((p) => p.startsWith(`${variable}:`)), (error as Error).message).toBe(true);
  });
});
