import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import { fileURLToPath } from 'node:url';

// The server (Express + Socket.IO) owns /api, /socket.io and /open311; the dev server forwards to it.
const backend = process.env.GRID141_BACKEND ?? 'http://127.0.0.1:8080';

export default defineConfig({
  // Relative links: the server makes index.html's absolute under BASE_PATH, and chunks find each
  // other relative to themselves, so one build serves at / and under any sub-path.
  base: './',
  plugins: [vue()],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  build: {
    outDir: 'dist',
    // Fonts stay files: the CSP allows fonts from Grid141 only (font-src 'self'), not data: URIs.
    assetsInlineLimit: (file) => (/\.(woff2?|ttf|otf)$/.test(file) ? false : undefined),
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
