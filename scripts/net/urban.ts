// Where people live: a smooth household density (households/km²) over Changzhou, from a
// rural floor plus Gaussian urban cores at the real town centres (WGS-84, approximate).
// It steers every synthetic choice: street and grid sizes, households, dedicated units.
interface Core { name: string; lon: number; lat: number; sigmaKm: number; peak: number }

export const CORES: Core[] = [
  { name: '常州主城 (天宁/钟楼)', lon: 119.955, lat: 31.785, sigmaKm: 5, peak: 7000 },
  { name: '新北城区', lon: 119.975, lat: 31.835, sigmaKm: 4, peak: 3500 },
  { name: '武进湖塘', lon: 119.955, lat: 31.705, sigmaKm: 4, peak: 3500 },
  { name: '戚墅堰', lon: 120.06, lat: 31.725, sigmaKm: 2.5, peak: 2000 },
  { name: '金坛城区', lon: 119.575, lat: 31.745, sigmaKm: 3, peak: 2500 },
  { name: '溧阳城区', lon: 119.485, lat: 31.415, sigmaKm: 3, peak: 2500 },
];

/** Rural floor: villages on the plain; the hills of south 溧阳/west 金坛 are thinner. */
function ruralFloor(lon: number, lat: number): number {
  return lat < 31.35 || lon < 119.3 ? 90 : 180;
}

const KM_PER_DEG = 111.32;

export function householdDensity(lon: number, lat: number): number {
  let d = ruralFloor(lon, lat);
  for (const c of CORES) {
    const dx = (lon - c.lon) * KM_PER_DEG * Math.cos((c.lat * Math.PI) / 180);
    const dy = (lat - c.lat) * KM_PER_DEG;
    d += c.peak * Math.exp(-(dx * dx + dy * dy) / (2 * c.sigmaKm * c.sigmaKm));
  }
  return d;
}
