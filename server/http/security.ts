// Security headers (helmet) with a content security policy the wall satisfies:
// its own scripts only (Vite emits no inline script), MapLibre's workers from blob: URLs,
// styles from its own files (React and MapLibre set element styles through the DOM, which
// CSP allows), images and tiles from itself, data: and blob: (map sprites and canvases),
// the live feed over its own origin (ws/wss). A deployment's own basemap server
// (VITE_BASEMAP) is added to img-src and connect-src from BASEMAP_ORIGIN.
// helmet's middleware is built once and run on every request: @fastify/helmet builds it
// anew for each request (parsing the policy each time), 3 % of a write's CPU here
// (scripts/bench/loop.ts, writes).
import helmet, { type HelmetOptions } from 'helmet';
import type { FastifyInstance } from 'fastify';

/** The origin of an absolute URL (a camera HLS template), or none for a relative one. */
const originOf = (url: string | undefined): string[] => {
  try {
    return url && /^https?:\/\//.test(url) ? [new URL(url.replaceAll('{id}', 'x')).origin] : [];
  } catch {
    return [];
  }
};

export function securityHeaders(basemapOrigin = process.env.BASEMAP_ORIGIN, videoUrl = process.env.CAMERA_HLS_URL): HelmetOptions {
  const extra = basemapOrigin ? [basemapOrigin] : [];
  // Cameras' video: hls.js fetches the playlist and segments (connect-src) from the video
  // gateway (CAMERA_HLS_URL's origin) and plays them from a MediaSource blob: (media-src).
  const video = originOf(videoUrl);
  return {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:', ...extra],
        connectSrc: ["'self'", 'ws:', 'wss:', ...extra, ...video],
        mediaSrc: ["'self'", 'blob:', ...video],
        workerSrc: ["'self'", 'blob:'],
        childSrc: ['blob:'],
        fontSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        frameAncestors: ["'self'"],
        formAction: ["'self'"],
      },
    },
    // The wall may be framed by the command room's own pages (same origin) only.
    frameguard: { action: 'sameorigin' },
    crossOriginEmbedderPolicy: false,
    hsts: false, // set by the TLS terminator in front, which knows the deployment's domain
  };
}

/** Sets the headers on every answer (before any route runs, so errors carry them too). */
export function installSecurityHeaders(app: FastifyInstance, options: HelmetOptions = securityHeaders()): void {
  const setHeaders = helmet(options);
  app.addHook('onRequest', (req, reply, done) => setHeaders(req.raw, reply.raw, (e?: unknown) => done(e as Error | undefined)));
}
