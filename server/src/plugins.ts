// Every feature of the server, registered in order: one line each. A plugin may use()
// services that plugins above it provide() (store before ingest, figures before live hub).
import type { Plugin } from './app.ts';
import { dutyPlugin } from './duty/plugin.ts';
import { metaRoutes } from './routes/meta.ts';
import { storePlugin } from './store/plugin.ts';
import { streetMapPlugin } from './street/plugin.ts';
import { accountsPlugin } from './auth/plugin.ts';
import { adminPlugin } from './auth/admin.ts';
import { deskPlugin, deskTargetsPlugin } from './desk/plugin.ts';
import { duplicatesPlugin, mergeRoutes } from './duplicates/plugin.ts';
import { ingestRoutes } from './ingest/routes.ts';
import { open311Routes } from './open311/plugin.ts';
import { importPlugin } from './import/plugin.ts';
import { figuresService } from './live/figures-service.ts';
import { liveHub } from './live/plugin.ts';
import { simulatePlugin } from './simulate/inprocess.ts';
import { reportsPlugin } from './reports/plugin.ts';

export const plugins: Plugin[] = [
  // Before the street metadata, which names who is on duty; its /live listener relies on the hub's auth.
  dutyPlugin,
  metaRoutes,
  storePlugin,
  // The street's map replaced while running (grid imports): needs the store, before the routes that place records.
  streetMapPlugin,
  // Users and sessions: before every route that asks for a role.
  accountsPlugin,
  // Users, API keys, the viewer token and the audit log (admin only).
  adminPlugin,
  // Before ingest, which stamps each new incident with the time targets as they stand.
  deskTargetsPlugin,
  // Before every edge that writes incidents: they ask it whether a new one is a possible duplicate.
  duplicatesPlugin,
  ingestRoutes,
  mergeRoutes,
  open311Routes,
  importPlugin,
  figuresService,
  liveHub,
  deskPlugin,
  // Weekly figures, rendered decks, snapshots and exports (read-only; renders its own pages).
  reportsPlugin,
  // Last: the demo feed (SIMULATE=1) starts once the server listens and posts through its API.
  simulatePlugin,
];
