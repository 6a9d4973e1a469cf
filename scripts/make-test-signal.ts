// Makes the test-signal clip the demo cameras play (data/video/test-signal), with Debian's
// ffmpeg: `npx tsx scripts/make-test-signal.ts`. Committed, so a start needs no ffmpeg.
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { TEST_SIGNAL_DIR } from '../server/routes/video.ts';
import { makeTestSignalHls } from './video/hls.ts';

rmSync(TEST_SIGNAL_DIR, { recursive: true, force: true });
const { label } = makeTestSignalHls(TEST_SIGNAL_DIR, { seconds: 6, segment: 2, width: 640, height: 360 });
const files = readdirSync(TEST_SIGNAL_DIR);
const bytes = files.reduce((n, f) => n + statSync(join(TEST_SIGNAL_DIR, f)).size, 0);
console.log(JSON.stringify({ dir: TEST_SIGNAL_DIR, label, files, bytes }));
if (bytes > 300 * 1024) throw new Error(`the clip is ${bytes} bytes: over the 300 KB budget`);
