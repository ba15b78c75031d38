import type { FieldDefinition, Role, Severity } from '../../hub/contracts/model.js';
import type { CustomerKind, SlaTier } from './demo-customers.js';

// The demo catalogue: product lines, the standard fault-code table (seed 004), request
// categories with their own form fields (seed 001), teams, users and routing.

export interface DemoModel { code: string; name: string; productLine: string; manufacturer: string; warrantyMonths: number; serialPrefix: string; for: CustomerKind[] }

export const DEMO_MODELS: readonly DemoModel[] = [
  { code: 'KR-400', name: 'Kühlregal KR-400 Multideck', productLine: 'commercial refrigeration', manufacturer: 'Nordkälte', warrantyMonths: 24, serialPrefix: 'KR4', for: ['supermarket', 'butcher', 'bakery'] },
  { code: 'TK-900', name: 'Tiefkühlzelle TK-900', productLine: 'commercial refrigeration', manufacturer: 'Nordkälte', warrantyMonths: 24, serialPrefix: 'TK9', for: ['cold-chain', 'butcher', 'supermarket', 'catering'] },
  { code: 'HP-12', name: 'Wärmepumpe HP-12 12 kW', productLine: 'heat pumps', manufacturer: 'Thermaxa', warrantyMonths: 36, serialPrefix: 'HP12', for: ['hotel', 'bakery', 'catering'] },
  { code: 'HP-30', name: 'Wärmepumpe HP-30 Gewerbe 30 kW', productLine: 'heat pumps', manufacturer: 'Thermaxa', warrantyMonths: 36, serialPrefix: 'HP30', for: ['hotel', 'supermarket', 'cold-chain'] },
  { code: 'DW-200', name: 'Haubenspülmaschine DW-200', productLine: 'industrial dishwashers', manufacturer: 'Spülwerk', warrantyMonths: 24, serialPrefix: 'DW2', for: ['hotel', 'catering'] },
  { code: 'DW-600', name: 'Bandspülmaschine DW-600', productLine: 'industrial dishwashers', manufacturer: 'Spülwerk', warrantyMonths: 24, serialPrefix: 'DW6', for: ['catering'] },
];

export const DEMO_FAULT_CODES: ReadonlyArray<{ code: string; description: string; defaultSeverity: Severity; requiredSkill: string; component: string }> = [
  { code: 'E101', description: 'Compressor overcurrent', defaultSeverity: 'critical', requiredSkill: 'refrigeration', component: 'compressor' },
  { code: 'E102', description: 'Compressor does not start', defaultSeverity: 'critical', requiredSkill: 'refrigeration', component: 'compressor' },
  { code: 'E110', description: 'Discharge temperature too high', defaultSeverity: 'major', requiredSkill: 'refrigeration', component: 'compressor' },
  { code: 'E205', description: 'Refrigerant low pressure', defaultSeverity: 'major', requiredSkill: 'refrigeration', component: 'refrigerant circuit' },
  { code: 'E206', description: 'Refrigerant high pressure', defaultSeverity: 'major', requiredSkill: 'refrigeration', component: 'refrigerant circuit' },
  { code: 'E230', description: 'Evaporator icing, defrost failed', defaultSeverity: 'minor', requiredSkill: 'refrigeration', component: 'evaporator' },
  { code: 'E301', description: 'Supply voltage out of range', defaultSeverity: 'major', requiredSkill: 'electrical', component: 'power supply' },
  { code: 'E302', description: 'Control board communication lost', defaultSeverity: 'major', requiredSkill: 'electrical', component: 'control board' },
  { code: 'E350', description: 'Temperature sensor open circuit', defaultSeverity: 'minor', requiredSkill: 'electrical', component: 'sensor' },
  { code: 'E401', description: 'Water pump blocked', defaultSeverity: 'major', requiredSkill: 'hydraulics', component: 'pump' },
  { code: 'E402', description: 'Water flow too low', defaultSeverity: 'minor', requiredSkill: 'hydraulics', component: 'hydraulic circuit' },
  { code: 'E420', description: 'Rinse heater does not reach temperature', defaultSeverity: 'minor', requiredSkill: 'electrical', component: 'heater' },
  { code: 'W310', description: 'Air filter clogged', defaultSeverity: 'warning', requiredSkill: 'maintenance', component: 'filter' },
  { code: 'W320', description: 'Door open too long', defaultSeverity: 'warning', requiredSkill: 'maintenance', component: 'door' },
  { code: 'W330', description: 'Maintenance interval reached', defaultSeverity: 'warning', requiredSkill: 'maintenance', component: 'unit' },
];

export const DEMO_CATEGORIES: ReadonlyArray<{ key: string; name: string; defaultType: 'request' | 'complaint'; fields: FieldDefinition[] }> = [
  {
    key: 'repair', name: 'Repair', defaultType: 'request', fields: [
      { key: 'serial', label: 'Serial number', kind: 'serial', required: true },
      { key: 'symptom', label: 'Symptom', kind: 'choice', required: true, options: ['no cooling', 'noise', 'leak', 'error code', 'does not start', 'other'] },
      { key: 'error_code', label: 'Code on the display', kind: 'text', required: false },
    ],
  },
  {
    key: 'installation', name: 'Installation', defaultType: 'request', fields: [
      { key: 'preferred_date', label: 'Preferred date', kind: 'date', required: true },
      { key: 'site_notes', label: 'Access and site notes', kind: 'text', required: false },
    ],
  },
  { key: 'maintenance-question', name: 'Maintenance question', defaultType: 'request', fields: [{ key: 'question', label: 'Your question', kind: 'text', required: true }] },
  { key: 'complaint', name: 'Complaint', defaultType: 'complaint', fields: [{ key: 'order_number', label: 'Order or request number', kind: 'text', required: false }] },
];

/** Response / resolution business hours per priority, by contract tier. */
export const SLA_BY_TIER: Record<SlaTier, Record<'high' | 'medium' | 'normal' | 'low', { responseHours: number; resolutionHours: number }>> = {
  premium: { high: { responseHours: 1, resolutionHours: 4 }, medium: { responseHours: 2, resolutionHours: 8 }, normal: { responseHours: 4, resolutionHours: 16 }, low: { responseHours: 8, resolutionHours: 40 } },
  standard: { high: { responseHours: 2, resolutionHours: 8 }, medium: { responseHours: 4, resolutionHours: 16 }, normal: { responseHours: 8, resolutionHours: 24 }, low: { responseHours: 16, resolutionHours: 48 } },
  basic: { high: { responseHours: 4, resolutionHours: 16 }, medium: { responseHours: 8, resolutionHours: 24 }, normal: { responseHours: 16, resolutionHours: 40 }, low: { responseHours: 24, resolutionHours: 80 } },
};

export interface DemoTeam { name: string; region: string | null; timeZone: string; weekdays: number[]; open: string; close: string; country: 'DE' | 'AT' | 'PL' | 'HU' | 'CN' | null; isDefault?: boolean; routes: Array<{ region?: string; type?: 'complaint' }> }

export const DEMO_TEAMS: readonly DemoTeam[] = [
  { name: 'Service Desk DACH', region: 'DE', timeZone: 'Europe/Berlin', weekdays: [1, 2, 3, 4, 5], open: '08:00', close: '17:00', country: 'DE', isDefault: true, routes: [{ region: 'DE-North' }, { region: 'DE-South' }, { region: 'DE-West' }, { region: 'AT' }] },
  { name: 'Serwis Polska', region: 'PL', timeZone: 'Europe/Warsaw', weekdays: [1, 2, 3, 4, 5], open: '08:00', close: '16:00', country: 'PL', routes: [{ region: 'PL' }] },
  { name: 'Szerviz Magyarország', region: 'HU', timeZone: 'Europe/Budapest', weekdays: [1, 2, 3, 4, 5], open: '08:00', close: '16:30', country: 'HU', routes: [{ region: 'HU' }] },
  { name: '华东服务中心', region: 'CN-East', timeZone: 'Asia/Shanghai', weekdays: [1, 2, 3, 4, 5, 6], open: '09:00', close: '18:00', country: 'CN', routes: [{ region: 'CN-East' }] },
  { name: 'Beschwerdemanagement', region: null, timeZone: 'Europe/Berlin', weekdays: [1, 2, 3, 4, 5], open: '08:00', close: '17:00', country: 'DE', routes: [{ type: 'complaint' }] },
];

export interface DemoUser { email: string; name: string; role: Role; teams: string[]; skills?: string[]; region?: string; phone?: string; customerRef?: string }

export const DEMO_PASSWORD = 'demo-password';

export const DEMO_USERS: readonly DemoUser[] = [
  { email: 'admin@demo.local', name: 'Petra Admin', role: 'admin', teams: [] },
  { email: 'supervisor.klaus@demo.local', name: 'Klaus Berger', role: 'supervisor', teams: ['Service Desk DACH', 'Beschwerdemanagement'] },
  { email: 'dispatcher.magda@demo.local', name: 'Magdalena Wiśniewska', role: 'dispatcher', teams: ['Serwis Polska', 'Service Desk DACH'] },
  { email: 'agent.anna@demo.local', name: 'Anna Schmidt', role: 'agent', teams: ['Service Desk DACH'] },
  { email: 'agent.lukas@demo.local', name: 'Lukas Gruber', role: 'agent', teams: ['Service Desk DACH', 'Beschwerdemanagement'] },
  { email: 'agent.kasia@demo.local', name: 'Katarzyna Nowak', role: 'agent', teams: ['Serwis Polska'] },
  { email: 'agent.eszter@demo.local', name: 'Eszter Kovács', role: 'agent', teams: ['Szerviz Magyarország'] },
  { email: 'agent.li@demo.local', name: '李娜', role: 'agent', teams: ['华东服务中心'] },
  { email: 'tech.jonas@demo.local', name: 'Jonas Weber', role: 'technician', teams: [], skills: ['refrigeration', 'electrical'], region: 'DE-South', phone: '+49 170 1112233' },
  { email: 'tech.piotr@demo.local', name: 'Piotr Zieliński', role: 'technician', teams: [], skills: ['refrigeration', 'hydraulics', 'maintenance'], region: 'PL', phone: '+48 601 223 344' },
  { email: 'tech.gabor@demo.local', name: 'Gábor Tóth', role: 'technician', teams: [], skills: ['electrical', 'hydraulics', 'maintenance'], region: 'HU', phone: '+36 30 123 4567' },
  { email: 'tech.wei@demo.local', name: '王伟', role: 'technician', teams: [], skills: ['refrigeration', 'electrical', 'maintenance'], region: 'CN-East', phone: '+86 139 1234 5678' },
  { email: 'customer.mueller@demo.local', name: 'Franz Müller', role: 'customer', teams: [], customerRef: 'DEMO-C-001' },
];
