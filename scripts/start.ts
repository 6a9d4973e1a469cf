// `npm start`: build the wall if its build is missing or older than its sources,
// then start the server (which prints the URL and what is running).
import { ensureClientBuilt } from './client-build.ts';

try {
  ensureClientBuilt();
} catch (e) {
  console.error(String(e));
  process.exit(1);
}
await import('../server/index.ts');
