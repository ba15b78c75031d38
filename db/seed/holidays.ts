import { addDays, easterSunday } from './dates.js';

// Public holidays for the demo teams' business-hours calendars (national ones only).
const FIXED: Record<'DE' | 'AT' | 'PL' | 'HU' | 'CN', string[]> = {
  DE: ['01-01', '05-01', '10-03', '12-25', '12-26'],
  AT: ['01-01', '01-06', '05-01', '08-15', '10-26', '11-01', '12-08', '12-25', '12-26'],
  PL: ['01-01', '01-06', '05-01', '05-03', '08-15', '11-01', '11-11', '12-24', '12-25', '12-26'],
  HU: ['01-01', '03-15', '05-01', '08-20', '10-23', '11-01', '12-25', '12-26'],
  // The lunar-calendar festivals move every year and are set by the State Council; only the fixed ones here.
  CN: ['01-01', '05-01', '05-02', '05-03', '10-01', '10-02', '10-03', '10-04', '10-05', '10-06', '10-07'],
};
/** Days after Easter Sunday: Good Friday −2, Easter Monday +1, Ascension +39, Whit Monday +50, Corpus Christi +60. */
const MOVABLE: Record<'DE' | 'AT' | 'PL' | 'HU' | 'CN', number[]> = {
  DE: [-2, 1, 39, 50], AT: [1, 39, 50, 60], PL: [1, 60], HU: [-2, 1, 50], CN: [],
};

export function holidaysFor(country: 'DE' | 'AT' | 'PL' | 'HU' | 'CN', year: number): string[] {
  const easter = easterSunday(year);
  return [...FIXED[country].map((md) => `${year}-${md}`), ...MOVABLE[country].map((d) => addDays(easter, d))].sort();
}
