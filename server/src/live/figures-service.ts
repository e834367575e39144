// Runs the figures engine for the server (rebuilt from the store, then folded from the bus),
// provides it as the `figures` service and serves it at GET /api/v1/summary (viewer token or
// session). Registered by the live hub's owner because the hub needs it; the figures feature
// may take this over.
import type { Plugin } from '../app.ts';
import { createFiguresEngine, type FiguresEngine } from '../figures/engine.ts';

declare module '../app.ts' {
  interface Services {
    figures: FiguresEngine;
  }
}

export const figuresService: Plugin = async (ctx) => {
  const engine = createFiguresEngine({
    streetId: ctx.street.meta.id,
    tz: ctx.config.timeZone,
    store: ctx.use('store'),
    bus: ctx.use('bus'),
    logger: ctx.logger,
  });
  await engine.rebuild();
  engine.start();
  ctx.onClose(() => engine.stop());
  ctx.provide('figures', engine);
  ctx.app.get('/api/v1/summary', ctx.auth.requireViewer, (_req, res) => {
    res.json(engine.summary());
  });
};
