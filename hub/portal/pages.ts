import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Hono } from 'hono';
import type { HubEnv } from '../http/context.js';
import { fromRoot } from '../platform/root.js';

const dir = fromRoot('hub', 'portal', 'pages');
const TYPES: Record<string, string> = { css: 'text/css; charset=utf-8', js: 'text/javascript; charset=utf-8', html: 'text/html; charset=utf-8' };
const STATIC = ['portal.css', 'form.js', 'portal.js'];

/** socket.io's browser client, for the portal's live updates (the package exports no path to it). */
function socketClientSource(): string {
  const main = createRequire(import.meta.url).resolve('socket.io-client');
  const root = main.slice(0, main.lastIndexOf(`${path.sep}build${path.sep}`));
  return readFileSync(path.join(root, 'dist', 'socket.io.min.js'), 'utf8');
}

/**
 * The customer-facing pages: plain HTML and script, no build step, small enough for an iframe.
 * The form may be framed by the configured embedding sites; the signed-in portal only by itself
 * (accepting work must not be clickjacked).
 */
export function portalPages(opts: { embedOrigins: string[] }) {
  const read = (f: string) => readFileSync(path.join(dir, f), 'utf8');
  const files = new Map(STATIC.map((f) => [f, read(f)]));
  files.set('socket.io.min.js', socketClientSource());
  const newPage = read('new.html');
  const portalPage = read('portal.html');
  const embed = read('embed.js');
  const formAncestors = ["'self'", ...opts.embedOrigins].join(' ');
  const app = new Hono<HubEnv>();
  const html = (body: string, ancestors: string) => new Response(body, {
    headers: {
      'content-type': TYPES.html!, 'cache-control': 'no-cache',
      'content-security-policy': `default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors ${ancestors}`,
      'referrer-policy': 'same-origin',
    },
  });

  app.get('/portal/new', () => html(newPage, formAncestors));
  app.get('/portal/embed.js', (c) => c.body(embed, 200, { 'content-type': TYPES.js!, 'cache-control': 'public, max-age=300', 'access-control-allow-origin': '*' }));
  app.get('/portal/static/:file', (c) => {
    const name = c.req.param('file');
    const body = files.get(name);
    if (!body) return c.notFound();
    return c.body(body, 200, { 'content-type': TYPES[name.split('.').pop() ?? ''] ?? 'text/plain', 'cache-control': 'no-cache' });
  });
  // The portal is one page; it reads the path (/portal, /portal/t/<token>, /portal/sign-in/<token>, /portal/requests/<id>).
  app.get('/portal', () => html(portalPage, "'self'"));
  app.get('/portal/*', () => html(portalPage, "'self'"));
  return app;
}
