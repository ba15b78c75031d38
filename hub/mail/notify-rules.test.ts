import { describe, expect, it } from 'vitest';
import type { DomainEvent, RequestSummary } from '../contracts/domain-events.js';
import { rulesFor } from './notify-rules.js';
import { pickLanguage, renderTemplate } from './templates.js';

const request = (over: Partial<RequestSummary> = {}): RequestSummary => ({
  id: '00000000-0000-4000-8000-000000000001', number: 'SR-000123', type: 'request', channel: 'email', priority: 'normal',
  status: 'new', subject: 'Heizung', teamId: null, assigneeId: null, customerId: null, assetId: null, warranty: 'unknown', version: 1,
  responseDueAt: null, resolutionDueAt: null, createdAt: '2026-11-23T09:00:00.000Z', updatedAt: '2026-11-23T09:00:00.000Z', ...over,
});
const updated = (changed: string[], over: Partial<RequestSummary>): DomainEvent => ({ type: 'request.updated', data: { request: request(over), changed } });

describe('notification rules: which event mails whom with which template', () => {
  it.each<[string, DomainEvent, Array<[string, string[]]>]>([
    ['an email request is acknowledged', { type: 'request.created', data: request() }, [['ack', ['reporter']]]],
    ['a web form is acknowledged', { type: 'request.created', data: request({ channel: 'web' }) }, [['ack', ['reporter']]]],
    ['a phone request is not', { type: 'request.created', data: request({ channel: 'phone' }) }, []],
    ['an alarm is not', { type: 'request.created', data: request({ channel: 'mqtt', type: 'alarm' }) }, []],
    ['an assignment tells the assignee', updated(['assigneeId', 'status'], { assigneeId: '00000000-0000-4000-8000-000000000002', status: 'assigned' }), [['assigned', ['assignee']]]],
    ['an unassignment tells no one', updated(['assigneeId'], { assigneeId: null }), []],
    ['a status change tells the reporter', updated(['status'], { status: 'waiting_customer' }), [['status_changed', ['reporter']]]],
    ['closing tells reporter, assignee, dispatcher and supervisor', updated(['status'], { status: 'closed' }),
      [['closed', ['reporter', 'assignee', 'dispatcher', 'supervisor']]]],
    ['a priority change tells no one', updated(['priority'], { priority: 'high' }), []],
    ['an SLA breach tells the assignee and the supervisor', { type: 'sla.breached', data: { request: request(), clock: 'response', dueAt: '2026-11-23T10:00:00.000Z' } },
      [['sla_breached', ['assignee', 'supervisor']]]],
    ['an SLA warning tells the assignee and the dispatcher', { type: 'sla.warned', data: { request: request(), clock: 'resolution', dueAt: '2026-11-23T14:30:00.000Z', usedRatio: 0.8 } },
      [['sla_warned', ['assignee', 'dispatcher']]]],
  ])('%s', (_name, event, expected) => {
    expect(rulesFor(event).map((m) => [m.rule.template, [...m.rule.recipients]])).toEqual(expected);
  });
});

describe('templates', () => {
  it.each([['de-AT', 'de'], ['DE', 'de'], ['pl_PL', 'pl'], ['hu', 'hu'], ['zh-CN', 'zh'], ['fr', 'en'], [null, 'en']])('%s → %s', (given, lang) => {
    expect(pickLanguage(given)).toBe(lang);
  });
  const p = { number: 'SR-000123', subject: 'Heizung', trackingUrl: 'https://hub.example/requests/1' };
  it('carries the SR tag and the tracking link in every language', () => {
    for (const lang of ['en', 'de', 'pl', 'hu', 'zh']) {
      const m = renderTemplate('ack', lang, p);
      expect(m.subject).toContain('[SR-000123]');
      expect(m.text).toContain('https://hub.example/requests/1');
      expect(m.language).toBe(lang);
    }
  });
  it('falls back to English where a language lacks a template', () => {
    expect(renderTemplate('assigned', 'pl', p)).toMatchObject({ language: 'en', subject: '[SR-000123] Assigned to you: Heizung' });
    expect(renderTemplate('assigned', 'de', p).subject).toBe('[SR-000123] Ihnen zugewiesen: Heizung');
  });
  it('names the deadline of an SLA warning in UTC', () => {
    const warned = { ...p, clock: 'resolution', dueAt: '2026-11-23T14:30:00.000Z' };
    expect(renderTemplate('sla_warned', 'en', warned)).toMatchObject({ subject: '[SR-000123] SLA resolution deadline at 2026-11-23 14:30 UTC' });
    expect(renderTemplate('sla_warned', 'en', warned).text).toContain('due at 2026-11-23 14:30 UTC');
    expect(renderTemplate('sla_warned', 'de', warned).text).toContain('Lösungsfrist der Anfrage SR-000123 „Heizung“ ist fast aufgebraucht: fällig 2026-11-23 14:30 UTC');
  });
});
