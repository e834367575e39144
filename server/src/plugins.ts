// Every feature of the server, registered in order: one line each. A plugin may use()
// services that plugins above it provide() (store before ingest, figures before live hub).
import type { Plugin } from './app.ts';
import { metaRoutes } from './routes/meta.ts';

export const plugins: Plugin[] = [
  metaRoutes,
];
