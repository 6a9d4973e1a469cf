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
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
