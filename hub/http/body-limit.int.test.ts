import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../../test/support/test-hub.js';

/** One POST over a real socket: with Content-Length, or chunked (Transfer-Encoding) in pieces. */
function post(port: number, path: string, token: string, body: string, isChunked: boolean): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1', port, path, method: 'POST',
      headers: {
        'content-type': 'application/json', authorization: `Bearer ${token}`,
        ...(isChunked ? {} : { 'content-length': Buffer.byteLength(body) }),
      },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => { text += d; }).on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    if (isChunked) {
      for (let i = 0; i < body.length; i += 64 * 1024) req.write(body.slice(i, i + 64 * 1024));
      req.end();
    } else req.end(body);
  });
}

describe('body limits over HTTP', () => {
  let t: TestHub;
  beforeAll(async () => { t = await startTestHub('pglite', { isHttp: true }); });
  afterAll(async () => { await t?.close(); });

  for (const isChunked of [false, true]) {
    const how = isChunked ? 'chunked' : 'with Content-Length';
    it(`takes a body within the limit and refuses one over it with 413, ${how}`, async () => {
      const port = t.hub.httpPort!;
      const ok = await post(port, '/api/requests', t.adminToken, JSON.stringify({ subject: `Within the limit, ${how}`, description: 'a'.repeat(90_000) }), isChunked);
      expect(ok.status, JSON.stringify(ok.body)).toBe(201);
      expect(ok.body.request.subject).toBe(`Within the limit, ${how}`);
      const big = await post(port, '/api/requests', t.adminToken, JSON.stringify({ subject: 'x', description: 'a'.repeat(1_100_000) }), isChunked);
      expect(big.status).toBe(413);
      expect(big.body.error.code).toBe('PAYLOAD_TOO_LARGE');
      const form = await post(port, '/api/public/requests', '', JSON.stringify({ subject: 'Too big', description: 'a'.repeat(13 * 1024 * 1024), name: 'A', email: 'a@example.com' }), isChunked);
      expect(form.status).toBe(413);
    });
  }
});
