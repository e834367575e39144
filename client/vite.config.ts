import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import { fileURLToPath } from 'node:url';

// The server (Express + Socket.IO) owns /api, /socket.io and /open311; the dev server forwards to it.
const backend = process.env.GRID141_BACKEND ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [vue()],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // MapLibre alone is ~800 kB minified; the budget that matters is the wall route's gzip size.
    chunkSizeWarningLimit: 1600,
  },
  server: {
    proxy: {
      '/api': backend,
      '/open311': backend,
      '/socket.io': { target: backend, ws: true },
    },
  },
});
