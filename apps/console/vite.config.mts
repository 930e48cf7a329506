import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

// Built into dist/console, which the API serves at /console (apps/api/src/console/console-static.ts).
const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/console/',
  plugins: [react()],
  // The SDK from its source, as the tests import it (packages/sdk).
  resolve: { alias: { '@conclave/sdk': fileURLToPath(new URL('../../packages/sdk/src/index.ts', import.meta.url)) } },
  build: {
    outDir: fileURLToPath(new URL('../../dist/console', import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 600,
  },
  // `npm run console:dev` talks to an API on :3000 (override with CONCLAVE_URL).
  server: {
    proxy: Object.fromEntries(
      ['/chats', '/flows', '/agents', '/api-keys', '/account', '/socket.io'].map((path) => [
        path,
        { target: process.env.CONCLAVE_URL ?? 'http://localhost:3000', ws: path === '/socket.io' },
      ]),
    ),
  },
});
