// A short test-signal clip as HLS (a playlist and MPEG-TS segments of H.264), made with the
// system's ffmpeg: SMPTE colour bars, a label and a running clock so a player visibly plays.
// Used by scripts/make-test-signal.ts (the clip the project ships) and by the e2e test, which
// makes its own stream to serve.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const CJK_FONT = '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc';

export interface TestSignalOptions {
  seconds?: number;
  /** Seconds per segment. */
  segment?: number;
  width?: number;
  height?: number;
  fps?: number;
  /** The label drawn over the bars; Chinese needs the Noto CJK font. */
  label?: string;
}

function ffmpegRuns(): boolean {
  try {
    execFileSync('ffmpeg', ['-hide_banner', '-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Writes `index.m3u8` and `seg0.ts`… into `dir`; answers the label drawn (Chinese or, without
 * the CJK font, English). Throws when ffmpeg is missing. */
export function makeTestSignalHls(dir: string, o: TestSignalOptions = {}): { label: string } {
  if (!ffmpegRuns()) throw new Error('ffmpeg not found: apt-get install ffmpeg');
  mkdirSync(dir, { recursive: true });
  const { seconds = 4, segment = 2, width = 320, height = 180, fps = 10 } = o;
  const cjk = existsSync(CJK_FONT);
  const label = o.label ?? (cjk ? '测试信号 TEST SIGNAL' : 'TEST SIGNAL');
  const font = cjk ? `fontfile=${CJK_FONT}:` : '';
  const size = Math.round(height / 9);
  const draw = [
    `drawtext=${font}text='${label}':fontcolor=white:fontsize=${size}:box=1:boxcolor=black@0.7:boxborderw=6:x=(w-text_w)/2:y=h/3-text_h`,
    `drawtext=${font}text='%{pts\\:hms}':fontcolor=white:fontsize=${size}:box=1:boxcolor=black@0.7:boxborderw=6:x=(w-text_w)/2:y=h/2`,
  ].join(',');
  execFileSync('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', `smptebars=size=${width}x${height}:rate=${fps}:duration=${seconds}`,
    '-vf', draw,
    // Baseline H.264 plays in every browser's MSE (hls.js) and Safari's native HLS; a keyframe
    // per segment so each segment starts clean.
    '-c:v', 'libx264', '-profile:v', 'baseline', '-level', '3.0', '-pix_fmt', 'yuv420p', '-crf', '30', '-preset', 'veryfast',
    '-g', String(fps * segment), '-keyint_min', String(fps * segment), '-sc_threshold', '0',
    '-f', 'hls', '-hls_time', String(segment), '-hls_list_size', '0', '-hls_playlist_type', 'vod',
    '-hls_segment_filename', join(dir, 'seg%d.ts'), join(dir, 'index.m3u8'),
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  return { label };
}
