import type { COVERAGES } from '../../hub/contracts/model.js';

// The demo install base's customers: small and mid-sized food, hospitality and cold-chain
// businesses in the countries the seed documents come from. E-mail domains end in .example
// (RFC 2606), so a hub with SMTP configured can never mail a real company from demo data.

/** What the business does; decides which product models it plausibly runs. */
export type CustomerKind = 'bakery' | 'butcher' | 'hotel' | 'catering' | 'supermarket' | 'cold-chain';
export type SlaTier = 'premium' | 'standard' | 'basic';

export interface DemoSite {
  name: string;
  address: string;
  city: string;
  postalCode: string;
  region: string;
  latitude: number;
  longitude: number;
}

export interface DemoContractSpec {
  name: string;
  coverage: (typeof COVERAGES)[number];
  tier: SlaTier;
  /** validity is relative to the seeding day, so "expired" and "running" stay true over time */
  startedDaysAgo: number;
  months: number;
}

export interface DemoCustomer {
  ref: string;
  name: string;
  country: 'DE' | 'AT' | 'PL' | 'HU' | 'CN';
  region: string;
  email: string;
  phone: string;
  kind: CustomerKind;
  /** relative share of the 200 demo assets */
  weight: number;
  contact: { name: string; email: string; phone: string; language: string };
  sites: DemoSite[];
  contract?: DemoContractSpec;
}

/** Region names shared by customers, sites, technicians and routing rules. */
export const REGIONS = ['DE-North', 'DE-South', 'DE-West', 'AT', 'PL', 'HU', 'CN-East'] as const;

export const DEMO_CUSTOMERS: readonly DemoCustomer[] = [
  {
    ref: 'DEMO-C-001', name: 'Bäckerei Müller GmbH', country: 'DE', region: 'DE-South', kind: 'bakery', weight: 3,
    email: 'service@baeckerei-mueller.example', phone: '+49 89 5432170',
    contact: { name: 'Franz Müller', email: 'franz.mueller@baeckerei-mueller.example', phone: '+49 171 4432190', language: 'de' },
    sites: [
      { name: 'Backstube München-Pasing', address: 'Landsberger Straße 412', city: 'München', postalCode: '81241', region: 'DE-South', latitude: 48.1432, longitude: 11.4612 },
      { name: 'Filiale Augsburg Königsplatz', address: 'Königsplatz 3', city: 'Augsburg', postalCode: '86150', region: 'DE-South', latitude: 48.3656, longitude: 10.8946 },
      { name: 'Filiale Freising', address: 'Obere Hauptstraße 21', city: 'Freising', postalCode: '85354', region: 'DE-South', latitude: 48.4012, longitude: 11.7436 },
    ],
    contract: { name: 'Wartungsvertrag Standard', coverage: 'parts_and_labour', tier: 'standard', startedDaysAgo: 420, months: 36 },
  },
  {
    ref: 'DEMO-C-002', name: 'Rheinische Großküchen GmbH', country: 'DE', region: 'DE-West', kind: 'catering', weight: 4,
    email: 'technik@rheinische-grosskuechen.example', phone: '+49 221 9587340',
    contact: { name: 'Sabine Wagner', email: 's.wagner@rheinische-grosskuechen.example', phone: '+49 172 5589012', language: 'de' },
    sites: [
      { name: 'Zentralküche Köln-Ossendorf', address: 'Butzweilerhofallee 12', city: 'Köln', postalCode: '50829', region: 'DE-West', latitude: 50.9725, longitude: 6.887 },
      { name: 'Betriebsrestaurant Düsseldorf-Hafen', address: 'Speditionstraße 15', city: 'Düsseldorf', postalCode: '40221', region: 'DE-West', latitude: 51.2156, longitude: 6.7497 },
    ],
    contract: { name: 'Full-Service-Vertrag Premium', coverage: 'parts_and_labour', tier: 'premium', startedDaysAgo: 200, months: 24 },
  },
  {
    ref: 'DEMO-C-003', name: 'Hotel Alsterblick Hamburg GmbH', country: 'DE', region: 'DE-North', kind: 'hotel', weight: 2,
    email: 'haustechnik@alsterblick-hotel.example', phone: '+49 40 3347810',
    contact: { name: 'Jan Petersen', email: 'j.petersen@alsterblick-hotel.example', phone: '+49 160 3321877', language: 'de' },
    sites: [
      { name: 'Hotel Alsterblick', address: 'An der Alster 52', city: 'Hamburg', postalCode: '20099', region: 'DE-North', latitude: 53.5586, longitude: 10.009 },
    ],
  },
  {
    ref: 'DEMO-C-004', name: 'Frischemarkt Nord GmbH & Co. KG', country: 'DE', region: 'DE-North', kind: 'supermarket', weight: 5,
    email: 'instandhaltung@frischemarkt-nord.example', phone: '+49 421 6690200',
    contact: { name: 'Heike Brandt', email: 'h.brandt@frischemarkt-nord.example', phone: '+49 151 2290413', language: 'de' },
    sites: [
      { name: 'Markt Bremen-Findorff', address: 'Hemmstraße 212', city: 'Bremen', postalCode: '28215', region: 'DE-North', latitude: 53.0938, longitude: 8.813 },
      { name: 'Markt Oldenburg', address: 'Nadorster Straße 140', city: 'Oldenburg', postalCode: '26123', region: 'DE-North', latitude: 53.156, longitude: 8.2258 },
      { name: 'Markt Hannover-List', address: 'Podbielskistraße 160', city: 'Hannover', postalCode: '30177', region: 'DE-North', latitude: 52.3918, longitude: 9.76 },
    ],
    contract: { name: 'Servicevertrag Arbeitszeit', coverage: 'labour_only', tier: 'standard', startedDaysAgo: 900, months: 24 },
  },
  {
    ref: 'DEMO-C-005', name: 'Fleischerei Hofmann & Söhne KG', country: 'DE', region: 'DE-South', kind: 'butcher', weight: 2,
    email: 'info@fleischerei-hofmann.example', phone: '+49 911 3318740',
    contact: { name: 'Georg Hofmann', email: 'georg.hofmann@fleischerei-hofmann.example', phone: '+49 170 8812456', language: 'de' },
    sites: [
      { name: 'Stammhaus Nürnberg', address: 'Fürther Straße 88', city: 'Nürnberg', postalCode: '90429', region: 'DE-South', latitude: 49.4489, longitude: 11.053 },
    ],
  },
  {
    ref: 'DEMO-C-006', name: 'Wiener Feinkost Handels GmbH', country: 'AT', region: 'AT', kind: 'supermarket', weight: 3,
    email: 'technik@wiener-feinkost.example', phone: '+43 1 7481520',
    contact: { name: 'Lukas Gruber', email: 'l.gruber@wiener-feinkost.example', phone: '+43 664 3812290', language: 'de' },
    sites: [
      { name: 'Zentrallager Wien-Simmering', address: 'Simmeringer Hauptstraße 101', city: 'Wien', postalCode: '1110', region: 'AT', latitude: 48.1745, longitude: 16.419 },
      { name: 'Feinkostladen Naschmarkt', address: 'Linke Wienzeile 18', city: 'Wien', postalCode: '1060', region: 'AT', latitude: 48.1985, longitude: 16.3635 },
    ],
    contract: { name: 'Inspektionsvertrag', coverage: 'inspection_only', tier: 'basic', startedDaysAgo: 90, months: 12 },
  },
  {
    ref: 'DEMO-C-007', name: 'Alpenrose Hotelbetriebs GmbH', country: 'AT', region: 'AT', kind: 'hotel', weight: 2,
    email: 'rezeption@alpenrose-tirol.example', phone: '+43 512 582044',
    contact: { name: 'Maria Steiner', email: 'm.steiner@alpenrose-tirol.example', phone: '+43 676 4410987', language: 'de' },
    sites: [
      { name: 'Hotel Alpenrose Innsbruck', address: 'Maria-Theresien-Straße 30', city: 'Innsbruck', postalCode: '6020', region: 'AT', latitude: 47.265, longitude: 11.3945 },
      { name: 'Berggasthof Alpenrose Seefeld', address: 'Münchner Straße 12', city: 'Seefeld in Tirol', postalCode: '6100', region: 'AT', latitude: 47.3303, longitude: 11.1877 },
    ],
  },
  {
    ref: 'DEMO-C-008', name: 'Zakład Mięsny Kowalski Sp. z o.o.', country: 'PL', region: 'PL', kind: 'butcher', weight: 4,
    email: 'serwis@zm-kowalski.example', phone: '+48 48 3627710',
    contact: { name: 'Tomasz Kowalski', email: 't.kowalski@zm-kowalski.example', phone: '+48 601 228 417', language: 'pl' },
    sites: [
      { name: 'Zakład produkcyjny Radom', address: 'ul. Wierzbicka 65', city: 'Radom', postalCode: '26-600', region: 'PL', latitude: 51.3952, longitude: 21.139 },
      { name: 'Sklep firmowy Warszawa', address: 'ul. Grójecka 120', city: 'Warszawa', postalCode: '02-367', region: 'PL', latitude: 52.21, longitude: 20.98 },
    ],
    contract: { name: 'Umowa serwisowa – części', coverage: 'parts_only', tier: 'standard', startedDaysAgo: 300, months: 24 },
  },
  {
    ref: 'DEMO-C-009', name: 'Hotel Bałtyk Gdańsk Sp. z o.o.', country: 'PL', region: 'PL', kind: 'hotel', weight: 2,
    email: 'technika@hotel-baltyk.example', phone: '+48 58 3019240',
    contact: { name: 'Agnieszka Wróbel', email: 'a.wrobel@hotel-baltyk.example', phone: '+48 502 771 390', language: 'pl' },
    sites: [
      { name: 'Hotel Bałtyk', address: 'ul. Długie Pobrzeże 8', city: 'Gdańsk', postalCode: '80-888', region: 'PL', latitude: 54.35, longitude: 18.657 },
    ],
  },
  {
    ref: 'DEMO-C-010', name: 'Piekarnia Wiśniewski Sp. z o.o.', country: 'PL', region: 'PL', kind: 'bakery', weight: 2,
    email: 'biuro@piekarnia-wisniewski.example', phone: '+48 12 2664410',
    contact: { name: 'Paweł Wiśniewski', email: 'p.wisniewski@piekarnia-wisniewski.example', phone: '+48 609 114 552', language: 'pl' },
    sites: [
      { name: 'Piekarnia centralna', address: 'ul. Zakopiańska 62', city: 'Kraków', postalCode: '30-418', region: 'PL', latitude: 50.023, longitude: 19.93 },
      { name: 'Kawiarnia Rynek', address: 'Rynek Główny 28', city: 'Kraków', postalCode: '31-010', region: 'PL', latitude: 50.0617, longitude: 19.9373 },
    ],
  },
  {
    ref: 'DEMO-C-011', name: 'Győri Hűtőház Kft.', country: 'HU', region: 'HU', kind: 'cold-chain', weight: 5,
    email: 'karbantartas@gyori-hutohaz.example', phone: '+36 96 512340',
    contact: { name: 'Horváth Péter', email: 'horvath.peter@gyori-hutohaz.example', phone: '+36 30 442 1187', language: 'hu' },
    sites: [
      { name: 'Hűtőház Győr, Ipari Park', address: 'Kandó Kálmán utca 11', city: 'Győr', postalCode: '9027', region: 'HU', latitude: 47.693, longitude: 17.675 },
      { name: 'Elosztóközpont Budapest', address: 'Soroksári út 158', city: 'Budapest', postalCode: '1095', region: 'HU', latitude: 47.46, longitude: 19.085 },
    ],
    contract: { name: 'Teljes körű karbantartási szerződés', coverage: 'parts_and_labour', tier: 'premium', startedDaysAgo: 150, months: 36 },
  },
  {
    ref: 'DEMO-C-012', name: 'Debreceni Közétkeztetési Kft.', country: 'HU', region: 'HU', kind: 'catering', weight: 3,
    email: 'uzemeltetes@debreceni-kozetkeztetes.example', phone: '+36 52 418730',
    contact: { name: 'Nagy Katalin', email: 'nagy.katalin@debreceni-kozetkeztetes.example', phone: '+36 20 318 5540', language: 'hu' },
    sites: [
      { name: 'Központi konyha', address: 'Kassai út 26', city: 'Debrecen', postalCode: '4028', region: 'HU', latitude: 47.543, longitude: 21.638 },
    ],
  },
  {
    ref: 'DEMO-C-013', name: '上海华东冷链物流有限公司', country: 'CN', region: 'CN-East', kind: 'cold-chain', weight: 6,
    email: 'service@hdcl-logistics.example', phone: '+86 21 58123456',
    contact: { name: '陈建国', email: 'chen.jianguo@hdcl-logistics.example', phone: '+86 139 1623 4578', language: 'zh' },
    sites: [
      { name: '浦东冷库', address: '浦东新区川沙路1588号', city: '上海', postalCode: '201200', region: 'CN-East', latitude: 31.19, longitude: 121.7 },
      { name: '嘉定配送中心', address: '嘉定区嘉松北路6001号', city: '上海', postalCode: '201800', region: 'CN-East', latitude: 31.37, longitude: 121.25 },
      { name: '昆山分拨中心', address: '前进东路399号', city: '昆山', postalCode: '215300', region: 'CN-East', latitude: 31.384, longitude: 121.0 },
    ],
    contract: { name: '冷链设备全面维保合同', coverage: 'parts_and_labour', tier: 'premium', startedDaysAgo: 500, months: 36 },
  },
  {
    ref: 'DEMO-C-014', name: '杭州西湖国际酒店管理有限公司', country: 'CN', region: 'CN-East', kind: 'hotel', weight: 2,
    email: 'engineering@westlake-hotel.example', phone: '+86 571 87961234',
    contact: { name: '刘芳', email: 'liu.fang@westlake-hotel.example', phone: '+86 138 5712 3390', language: 'zh' },
    sites: [
      { name: '西湖国际酒店', address: '西湖区北山街78号', city: '杭州', postalCode: '310007', region: 'CN-East', latitude: 30.26, longitude: 120.148 },
    ],
    contract: { name: '设备维修服务合同（人工）', coverage: 'labour_only', tier: 'basic', startedDaysAgo: 800, months: 24 },
  },
  {
    ref: 'DEMO-C-015', name: '苏州鲜达超市有限公司', country: 'CN', region: 'CN-East', kind: 'supermarket', weight: 3,
    email: 'weixiu@xianda-market.example', phone: '+86 512 62889900',
    contact: { name: '周磊', email: 'zhou.lei@xianda-market.example', phone: '+86 135 1266 0871', language: 'zh' },
    sites: [
      { name: '苏州园区店', address: '工业园区星湖街328号', city: '苏州', postalCode: '215000', region: 'CN-East', latitude: 31.31, longitude: 120.73 },
      { name: '苏州姑苏店', address: '姑苏区人民路1200号', city: '苏州', postalCode: '215000', region: 'CN-East', latitude: 31.305, longitude: 120.618 },
    ],
  },
];
