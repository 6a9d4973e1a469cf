/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The wall is built from client/ into client/dist, which the server serves.
// In `vite dev` the API and Socket.IO are proxied to the server on PORT (8080).
const api = `http://localhost:${process.env.PORT ?? 8080}`;

export default defineConfig({
  root: 'client',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 4000 },
  server: { proxy: { '/api': api, '/socket.io': { target: api, ws: true } } },
  test: {
    root: '.',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'unit', include: ['tests/**/*.test.ts'], exclude: ['tests/e2e.*.test.ts'] } },
      // Chromium on software GL shares two cores with the rest of the suite: a scene that
      // misses a wait once is run once more (as Playwright's own CI default does), so a
      // failure means it failed twice. The JSON report marks such a test as retried.
      { extends: true, test: { name: 'e2e', include: ['tests/e2e.*.test.ts'], retry: 1 } },
    ],
  },
});
