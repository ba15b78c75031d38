import type { BusinessCalendar, REQUEST_TYPES, ROLES } from '../../hub/contracts/model.js';
import { addDays, easterSunday } from './dates.js';

// The demo service organisation: one desk per country group, a complaints team for the
// supervisors, and people of every role.

/** The years the demo calendars cover; later years are added per team in the console. */
const HOLIDAY_YEARS = [2026, 2027] as const;

function yearly(fixed: readonly string[], easterOffsets: readonly number[]): string[] {
  return HOLIDAY_YEARS.flatMap((year) => {
    const easter = easterSunday(year);
    return [...fixed.map((md) => `${year}-${md}`), ...easterOffsets.map((n) => addDays(easter, n))];
  }).sort();
}

/** Nationwide German holidays (regional ones such as Epiphany in Bavaria are left out). */
export const HOLIDAYS_DE = yearly(['01-01', '05-01', '10-03', '12-25', '12-26'], [-2, 1, 39, 50]);
/** Polish statutory days off on weekdays, including Christmas Eve (a holiday since 2025). */
export const HOLIDAYS_PL = yearly(['01-01', '01-06', '05-01', '05-03', '08-15', '11-01', '11-11', '12-24', '12-25', '12-26'], [1, 60]);
export const HOLIDAYS_HU = yearly(['01-01', '03-15', '05-01', '08-20', '10-23', '11-01', '12-25', '12-26'], [-2, 1, 50]);
/**
 * The Chinese holidays follow the lunar calendar and a yearly State Council schedule, so they
 * are listed, not computed. 2026 is the published schedule; 2027 holds the statutory days only
 * until its schedule is published. Make-up working Saturdays (调休) have no place in the
 * calendar model and are left out.
 */
export const HOLIDAYS_CN = [
  '2026-01-01', '2026-01-02', '2026-01-03',
  ...range('2026-02-15', 9), ...range('2026-04-04', 3), ...range('2026-05-01', 5),
  ...range('2026-06-19', 3), ...range('2026-09-25', 3), ...range('2026-10-01', 7),
  '2027-01-01', ...range('2027-02-05', 4), '2027-04-05', '2027-05-01', '2027-05-02',
  '2027-06-09', '2027-09-15', ...range('2027-10-01', 3),
];

function range(first: string, days: number): string[] {
  return Array.from({ length: days }, (_, i) => addDays(first, i));
}

export interface DemoTeam {
  name: string;
  region: string | null;
  calendar: BusinessCalendar;
  isDefault: boolean;
}

const WORKWEEK = [1, 2, 3, 4, 5];

export const TEAM_DACH = 'Service Desk DACH';
export const TEAM_PL = 'Serwis Polska';
export const TEAM_HU = 'Szerviz Magyarország';
export const TEAM_CN = '华东服务中心';
export const TEAM_COMPLAINTS = 'Complaints & Escalations';

export const DEMO_TEAMS: readonly DemoTeam[] = [
  {
    name: TEAM_DACH, region: 'DACH', isDefault: true,
    calendar: { timeZone: 'Europe/Berlin', weekdays: WORKWEEK, open: '08:00', close: '17:00', holidays: HOLIDAYS_DE },
  },
  {
    name: TEAM_PL, region: 'PL', isDefault: false,
    calendar: { timeZone: 'Europe/Warsaw', weekdays: WORKWEEK, open: '08:00', close: '16:00', holidays: HOLIDAYS_PL },
  },
  {
    name: TEAM_HU, region: 'HU', isDefault: false,
    calendar: { timeZone: 'Europe/Budapest', weekdays: WORKWEEK, open: '08:00', close: '16:30', holidays: HOLIDAYS_HU },
  },
  {
    // Chinese service centres commonly staff Saturdays.
    name: TEAM_CN, region: 'CN-East', isDefault: false,
    calendar: { timeZone: 'Asia/Shanghai', weekdays: [1, 2, 3, 4, 5, 6], open: '08:30', close: '17:30', holidays: HOLIDAYS_CN },
  },
  {
    name: TEAM_COMPLAINTS, region: null, isDefault: false,
    calendar: { timeZone: 'Europe/Berlin', weekdays: WORKWEEK, open: '09:00', close: '16:00', holidays: HOLIDAYS_DE },
  },
];

export interface DemoRoutingRule {
  team: string;
  position: number;
  type?: (typeof REQUEST_TYPES)[number];
  region?: string;
}

// Lowest position wins: a complaint goes to the supervisors whatever the region; the rest by
// region; anything without a known region lands in the default team (DACH).
export const DEMO_ROUTING_RULES: readonly DemoRoutingRule[] = [
  { team: TEAM_COMPLAINTS, position: 10, type: 'complaint' },
  { team: TEAM_DACH, position: 100, region: 'DE-North' },
  { team: TEAM_DACH, position: 101, region: 'DE-South' },
  { team: TEAM_DACH, position: 102, region: 'DE-West' },
  { team: TEAM_DACH, position: 103, region: 'AT' },
  { team: TEAM_PL, position: 110, region: 'PL' },
  { team: TEAM_HU, position: 120, region: 'HU' },
  { team: TEAM_CN, position: 130, region: 'CN-East' },
];

export interface DemoUser {
  email: string;
  name: string;
  role: (typeof ROLES)[number];
  phone?: string;
  skills?: string[];
  region?: string;
  /** customer users: the demo customer's externalRef */
  customerRef?: string;
  teams?: string[];
}

export const DEMO_PASSWORD = 'demo-password';
export const DEMO_ADMIN_EMAIL = 'admin@demo.local';

export const DEMO_USERS: readonly DemoUser[] = [
  { email: DEMO_ADMIN_EMAIL, name: 'Demo Administrator', role: 'admin' },
  { email: 'supervisor.sabine@demo.local', name: 'Sabine Krüger', role: 'supervisor', teams: [TEAM_COMPLAINTS, TEAM_DACH] },
  { email: 'supervisor.marek@demo.local', name: 'Marek Zieliński', role: 'supervisor', teams: [TEAM_COMPLAINTS, TEAM_PL] },
  { email: 'dispatcher.dieter@demo.local', name: 'Dieter Brandt', role: 'dispatcher', teams: [TEAM_DACH] },
  { email: 'dispatcher.piotr@demo.local', name: 'Piotr Lewandowski', role: 'dispatcher', teams: [TEAM_PL] },
  { email: 'dispatcher.zhang@demo.local', name: '张敏', role: 'dispatcher', teams: [TEAM_CN] },
  { email: 'agent.anna@demo.local', name: 'Anna Schmidt', role: 'agent', teams: [TEAM_DACH] },
  { email: 'agent.lukas@demo.local', name: 'Lukas Hofer', role: 'agent', teams: [TEAM_DACH] },
  { email: 'agent.katarzyna@demo.local', name: 'Katarzyna Nowak', role: 'agent', teams: [TEAM_PL] },
  { email: 'agent.zsofia@demo.local', name: 'Tóth Zsófia', role: 'agent', teams: [TEAM_HU] },
  { email: 'agent.li@demo.local', name: '李娜', role: 'agent', teams: [TEAM_CN] },
  {
    email: 'technician.thomas@demo.local', name: 'Thomas Becker', role: 'technician', phone: '+491713328840',
    skills: ['refrigeration', 'electrical'], region: 'DE-South',
  },
  {
    email: 'technician.markus@demo.local', name: 'Markus Vogel', role: 'technician', phone: '+491605512093',
    skills: ['hydraulics', 'electrical', 'controls'], region: 'DE-North',
  },
  {
    email: 'technician.jonas@demo.local', name: 'Jonas Weber', role: 'technician', phone: '+491527740311',
    skills: ['refrigeration', 'hydraulics'], region: 'DE-West',
  },
  {
    email: 'technician.stefan@demo.local', name: 'Stefan Huber', role: 'technician', phone: '+436644419023',
    skills: ['refrigeration', 'hydraulics', 'controls'], region: 'AT',
  },
  {
    email: 'technician.jan@demo.local', name: 'Jan Wójcik', role: 'technician', phone: '+48601774210',
    skills: ['refrigeration', 'electrical'], region: 'PL',
  },
  {
    email: 'technician.gabor@demo.local', name: 'Kovács Gábor', role: 'technician', phone: '+36304418872',
    skills: ['refrigeration', 'electrical', 'hydraulics', 'controls'], region: 'HU',
  },
  {
    email: 'technician.wei@demo.local', name: '王伟', role: 'technician', phone: '+8613916627781',
    skills: ['refrigeration', 'electrical', 'hydraulics'], region: 'CN-East',
  },
  { email: 'customer.mueller@demo.local', name: 'Franz Müller', role: 'customer', customerRef: 'DEMO-C-001' },
  { email: 'customer.kowalski@demo.local', name: 'Tomasz Kowalski', role: 'customer', customerRef: 'DEMO-C-008' },
];
