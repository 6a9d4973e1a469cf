// A position fix from a grid phone or tracker, as the product keeps it once ingested: its
// device, the instant it was taken, the point in WGS-84 and what the phone said of its
// motion, accuracy and battery. Pure data: ingest (server/patrol/) makes fixes from
// OsmAnd requests, batches and the phone page; the track store (server/store/) keeps them
// per device and day; frames (server/domain/positions-frame.ts) carry the newest to walls.

export interface Fix {
  /** The device (phone or tracker) id, as registered (a grid phone: its worker's id). */
  device: string;
  /** When the fix was taken, epoch ms. */
  t: number;
  /** WGS-84 degrees (converted from the datum it was sent in). */
  lon: number;
  lat: number;
  /** m/s (OsmAnd sends knots: converted at ingest). */
  speed: number | null;
  /** Degrees clockwise from north, [0, 360). */
  bearing: number | null;
  /** Metres above the ellipsoid/sea level, as the phone reports it. */
  altitude: number | null;
  /** Horizontal accuracy, metres (radius). */
  accuracy: number | null;
  /** Battery level, percent [0, 100]. */
  battery: number | null;
}

/** Devices go offline after this long without a fix unless configured otherwise. */
export const DEFAULT_OFFLINE_AFTER_MS = 5 * 60_000;

/** A device's live state on the wall. */
export const DEVICE_STATUS = { offline: 0, online: 1, onTask: 2 } as const;
export type DeviceStatus = (typeof DEVICE_STATUS)[keyof typeof DEVICE_STATUS];
