export interface Point { latitude: number; longitude: number }

const EARTH_KM = 6371.0088;
const rad = (d: number) => (d * Math.PI) / 180;

/** Great-circle distance in km: good enough to rank and route within a service region. */
export function haversineKm(a: Point, b: Point): number {
  const dLat = rad(b.latitude - a.latitude);
  const dLon = rad(b.longitude - a.longitude);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.latitude)) * Math.cos(rad(b.latitude)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

export function pointOf(lat: number | null | undefined, lng: number | null | undefined): Point | null {
  return lat === null || lat === undefined || lng === null || lng === undefined ? null : { latitude: lat, longitude: lng };
}
