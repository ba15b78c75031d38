import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.js';

describe('web channel configuration', () => {
  it('has safe defaults: no embedding sites, modest limits, no trusted proxy', () => {
    expect(loadConfig({}).portal).toEqual({
      corsOrigins: [], rateIpPerMinute: 10, rateEmailPerHour: 20, bodyMaxBytes: 12 * 1024 * 1024,
      attachmentMaxBytes: 10 * 1024 * 1024, isProxyTrusted: false, magicLinkMinutes: 15,
    });
  });

  it('reads a list of origins and the limits', () => {
    const c = loadConfig({
      PUBLIC_CORS_ORIGINS: ' https://www.acme.de ,http://localhost:8080', PUBLIC_RATE_IP_PER_MINUTE: '5', PUBLIC_RATE_EMAIL_PER_HOUR: '3',
      PUBLIC_BODY_MAX_BYTES: '1000', PUBLIC_ATTACHMENT_MAX_BYTES: '500', PUBLIC_TRUST_PROXY: 'true', PORTAL_LINK_MINUTES: '30',
    }).portal;
    expect(c).toEqual({
      corsOrigins: ['https://www.acme.de', 'http://localhost:8080'], rateIpPerMinute: 5, rateEmailPerHour: 3, bodyMaxBytes: 1000,
      attachmentMaxBytes: 500, isProxyTrusted: true, magicLinkMinutes: 30,
    });
  });

  it.each([
    [{ PUBLIC_CORS_ORIGINS: 'https://www.acme.de/form' }, 'PUBLIC_CORS_ORIGINS'],
    [{ PUBLIC_CORS_ORIGINS: 'www.acme.de' }, 'PUBLIC_CORS_ORIGINS'],
    [{ PUBLIC_RATE_IP_PER_MINUTE: '0' }, 'PUBLIC_RATE_IP_PER_MINUTE'],
    [{ PUBLIC_BODY_MAX_BYTES: 'lots' }, 'PUBLIC_BODY_MAX_BYTES'],
    [{ PORTAL_LINK_MINUTES: '100000' }, 'PORTAL_LINK_MINUTES'],
  ])('stops start-up on %o naming %s', (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(name);
  });
});
