// Wire types come from the hub's zod contracts (types only: nothing server-side is bundled).
import type { z } from 'zod';
import type * as Req from '../../../hub/contracts/api/requests.js';
import type * as People from '../../../hub/contracts/api/people.js';
import type * as Base from '../../../hub/contracts/api/install-base.js';
import type * as Calls from '../../../hub/contracts/api/calls.js';
import type * as Alarms from '../../../hub/contracts/api/alarms.js';
import type * as Mail from '../../../hub/contracts/api/mail.js';
import type * as Search from '../../../hub/contracts/api/search.js';

export type { RequestSummary, TimelineEntryView, OrderSummary, DomainEvent, LoggedEvent } from '../../../hub/contracts/domain-events.js';
export type { RequestStatus, Priority, Channel, RequestType, Role, Severity, WarrantyVerdict, BusinessCalendar, FieldDefinition } from '../../../hub/contracts/model.js';
export type { IntakeResult } from '../../../hub/contracts/intake-event.js';

export type RequestView = z.infer<typeof Req.RequestView>;
export type RequestDetail = z.infer<typeof Req.RequestDetail>;
export type RequestCreate = z.input<typeof Req.RequestCreate>;
export type RequestCreated = z.infer<typeof Req.RequestCreated>;
export type RequestUpdate = z.input<typeof Req.RequestUpdate>;
export type UserView = z.infer<typeof People.UserView>;
export type UserCreate = z.input<typeof People.UserCreate>;
export type DeviceView = z.infer<typeof People.DeviceView>;
export type DeviceCredentials = z.infer<typeof People.DeviceCredentials>;
export type CustomerView = z.infer<typeof Base.CustomerView>;
export type ContactView = z.infer<typeof Base.ContactView>;
export type AssetView = z.infer<typeof Base.AssetView>;
export type ContractView = z.infer<typeof Base.ContractView>;
export type TeamView = z.infer<typeof Base.TeamView>;
export type TeamCreate = z.input<typeof Base.TeamCreate>;
export type RoutingRuleView = z.infer<typeof Base.RoutingRuleView>;
export type FaultCodeView = z.infer<typeof Base.FaultCodeView>;
export type CategoryView = z.infer<typeof Base.CategoryView>;
export type OrderRuleView = z.infer<typeof Base.OrderRuleView>;

export interface Me { kind: 'user' | 'api_key'; role: import('../../../hub/contracts/model.js').Role; user: UserView | null }

export interface DeadLetter {
  id: string; source: string; reason: string; detail: string | null; payload: string; payloadBytes: number;
  meta: Record<string, unknown>; replayedAt: string | null; createdAt: string;
}

/** One queue on the board (GET /api/queues, from the realtime branch): a team or "unrouted". */
export interface QueueCount { teamId: string | null; name: string; open: number; unassigned?: number; breached?: number }

/** GET /api/alarms and the alarm.* events: one fault condition of one asset, a full snapshot. */
export type { AlarmSummary as Alarm, CallView } from '../../../hub/contracts/domain-events.js';
/** GET /api/calls/:id/caller: who is calling, with their open requests and active alarms. */
export type CallerCardView = z.infer<typeof Calls.CallerCard>;
/** an alarm as the alarm API lists it: with the unit (serial, model, customer, site) */
export type AlarmView = z.infer<typeof Alarms.AlarmView>;
export type AlarmUnit = z.infer<typeof Alarms.AlarmUnit>;

// Dispatch and field work (issue 6): the board, the technician's day, feedback, sign-off, costs.
import type * as Dispatch from '../../../hub/contracts/api/dispatch.js';
import type * as Orders from '../../../hub/contracts/api/orders.js';
export type { TechnicianSummary } from '../../../hub/contracts/domain-events.js';
export type { OrderStatus, TechnicianStatus } from '../../../hub/contracts/model.js';
export type DispatchBoard = z.infer<typeof Dispatch.Board>;
export type BoardVisit = z.infer<typeof Dispatch.BoardVisit>;
export type BoardRow = DispatchBoard['technicians'][number];
export type UnassignedOrder = DispatchBoard['unassigned'][number];
export type Suggestions = z.infer<typeof Dispatch.Suggestions>;
export type ReleaseResult = z.infer<typeof Dispatch.ReleaseResult>;
export type OrderDetail = z.infer<typeof Orders.OrderDetail>;
export type OrderCosts = z.infer<typeof Orders.OrderCosts>;
export type FeedbackInput = z.input<typeof Orders.FeedbackBody>;
export type FeedbackView = z.infer<typeof Orders.FeedbackView>;
export type SignOffInput = z.input<typeof Orders.SignOffBody>;

export type OutboxMail = z.infer<typeof Mail.OutboxView>;
import type * as Knowledge from '../../../hub/contracts/api/knowledge.js';
export type ArticleSummary = z.infer<typeof Knowledge.ArticleSummaryView>;
export type Article = z.infer<typeof Knowledge.ArticleView>;
export type ArticleSuggestion = z.infer<typeof Knowledge.ArticleSuggestionView>;
export type ArticleRevision = z.infer<typeof Knowledge.ArticleRevisionView>;
export type SearchResult = z.infer<typeof Search.SearchResult>;
export type SearchHit = z.infer<typeof Search.SearchHit>;
