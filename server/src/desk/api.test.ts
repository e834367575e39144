// The desk's API in a server: roles, If-Match (412 with who changed it), illegal moves (409
// naming the allowed ones), and each bad input a 4xx naming the field with nothing changed.
// People sign in through a stand-in session resolver (a header naming role and user). Then the
// lifecycle property: random moves by random roles, several at once on the same version and some
// with an old one, never take a step the lifecycle forbids, and the figures equal a recount.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canTransition, MOVE_ROLES, recount, STATUSES, type HandoverSheet, type Incident, type IncidentStatus } from '@grid141/shared';
import { readRoster, ROSTER_FILE } from '../duty/roster.ts';
import { onShiftAt, shiftAt } from '../duty/shift.ts';
import { startServer, type Plugin, type RunningServer } from '../app.ts';
import { loadConfig, REPO_ROOT } from '../config.ts';
import { dutyPlugin } from '../duty/plugin.ts';
import { ingestRoutes } from '../ingest/routes.ts';
import { createLogger } from '../logger.ts';
import { storePlugin } from '../store/plugin.ts';
import { figuresService } from '../live/figures-service.ts';
import { duplicatesPlugin } from '../duplicates/plugin.ts';
import type { Role } from '../auth/auth.ts';
import { deskPlugin, deskTargetsPlugin } from './plugin.ts';

const KEY = 'ingest-key-for-desk-test';
let server: RunningServer;
let dir: string;

const sessions: Plugin = (ctx) => {
  ctx.auth.addSessionResolver((req) => {
    const raw = req.headers['x-test-user'];
    if (typeof raw !== 'string') return null;
    const [role, username] = decodeURIComponent(raw).split(':');
    return { role: role as Role, via: 'session', username: username ?? role };
  });
};

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grid141-desk-api-'));
  const config = loadConfig({ PORT: '0', DATA_DIR: dir, INGEST_API_KEY: KEY, VIEWER_TOKEN: 'viewer-token-desk', ADMIN_PASSWORD: 'admin-password', LOG_LEVEL: 'silent' });
  server = await startServer(config, createLogger('silent'), {
    plugins: [sessions, dutyPlugin, storePlugin, deskTargetsPlugin, duplicatesPlugin, ingestRoutes, figuresService, deskPlugin],
    clientDir: path.join(REPO_ROOT, 'client', 'dist'),
  });
}, 180_000);

afterAll(async () => {
  await server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const as = (who: string) => ({ 'x-test-user': encodeURIComponent(who) });
async function call(method: string, pathname: string, who: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${server.url}${pathname}`, {
    method,
    headers: { ...as(who), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, etag: res.headers.get('etag'), body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}
let n = 0;
async function report(over: Record<string, unknown> = {}): Promise<string> {
  n += 1;
  const res = await fetch(`${server.url}/api/v1/incidents`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': KEY },
    body: JSON.stringify({ externalId: `desk-${n}`, source: 'hotline_12345', category: 'safety_hazard', description: '楼道堆放杂物 <b>x</b>', location: { lng: 106.526, lat: 29.558 }, reporter: { name: '王五', contact: '13812345678' }, ...over }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}
const detail = async (id: string, who = 'operator:蒋丽') => (await call('GET', `/api/v1/duty/incidents/${id}`, who)).body as { incident: Incident; version: string; moves: string[]; notes: unknown[] };

describe('duty desk API', () => {
  it('walks an incident through the lifecycle with If-Match, operator then leader', async () => {
    const id = await report();
    let d = await detail(id);
    expect(d.moves).toEqual(['accepted', 'rejected']);
    expect(d.incident.reporter?.contact).toBe('138****5678');
    expect((await detail(id, 'leader:刘静')).incident.reporter?.contact).toBe('13812345678');
    const steps: [string, Record<string, unknown>][] = [
      ['accepted', {}], ['dispatched', { assignee: '城管执法中队', dispatchKind: 'department' }], ['on_site', {}], ['handled', { note: '已清理' }],
    ];
    for (const [to, extra] of steps) {
      d = await detail(id);
      const r = await call('POST', `/api/v1/duty/incidents/${id}/transitions`, 'operator:蒋丽', { to, ...extra }, { 'if-match': `"${d.version}"` });
      expect(r.status, `${to}: ${JSON.stringify(r.body)}`).toBe(200);
    }
    d = await detail(id);
    expect(d.moves).toEqual([]);
    expect((await detail(id, 'leader:刘静')).moves).toEqual(['closed', 'returned']);
    const byOperator = await call('POST', `/api/v1/duty/incidents/${id}/transitions`, 'operator:蒋丽', { to: 'closed' }, { 'if-match': `"${d.version}"` });
    expect(byOperator.status).toBe(403);
    const closed = await call('POST', `/api/v1/duty/incidents/${id}/transitions`, 'leader:刘静', { to: 'closed' }, { 'if-match': `"${d.version}"` });
    expect(closed.status).toBe(200);
    expect(closed.body.status).toBe('closed');
  });

  it('answers a stale If-Match with 412, who changed it and the incident as it stands; nothing written', async () => {
    const id = await report();
    const seen = await detail(id);
    const first = await call('POST', `/api/v1/duty/incidents/${id}/transitions`, 'operator:蒋丽', { to: 'accepted' }, { 'if-match': `"${seen.version}"` });
    expect(first.status).toBe(200);
    const second = await call('POST', `/api/v1/duty/incidents/${id}/transitions`, 'operator:邓晨', { to: 'rejected', note: '重复' }, { 'if-match': `"${seen.version}"` });
    expect(second.status).toBe(412);
    expect(second.body).toMatchObject({ changedBy: '蒋丽', current: { status: 'accepted' } });
    expect((await detail(id)).incident.status).toBe('accepted');
  });

  it('names the allowed moves in a 409', async () => {
    const id = await report();
    const r = await call('POST', `/api/v1/duty/incidents/${id}/transitions`, 'operator:蒋丽', { to: 'on_site' });
    expect(r.status).toBe(409);
    expect(JSON.stringify(r.body)).toContain('accepted, rejected, merged');
  });

  it('refuses bad input with a 4xx naming the field, and changes nothing', async () => {
    const id = await report();
    const before = await detail(id);
    const cases: [string, string, string, unknown, number, string][] = [
      ['operator:a', 'POST', 'transitions', { to: 'accepted', note: 'x'.repeat(4001) }, 400, 'note'],
      ['operator:a', 'POST', 'transitions', { to: 'rejected' }, 400, 'note'],
      ['operator:a', 'POST', 'transitions', { to: 'flying' }, 400, 'to'],
      ['operator:a', 'POST', 'evaluation', { satisfied: 'satisfied' }, 409, 'satisfied'],
      ['operator:a', 'POST', 'evaluation', { satisfied: 'ecstatic' }, 400, 'satisfied'],
      ['operator:a', 'POST', 'escalations', { answeredBy: '张科长' }, 400, 'department'],
      ['leader:b', 'POST', 'classification', { colour: 'purple' }, 400, 'colour'],
      ['operator:a', 'POST', 'classification', { colour: 'yellow' }, 403, ''],
      ['viewer:v', 'POST', 'transitions', { to: 'accepted' }, 403, ''],
      ['operator:a', 'POST', 'notes', { note: 'x'.repeat(4001) }, 400, 'note'],
    ];
    for (const [who, method, action, body, status, field] of cases) {
      const r = await call(method, `/api/v1/duty/incidents/${id}/${action}`, who, body);
      expect(r.status, `${action} ${JSON.stringify(body).slice(0, 60)} by ${who}`).toBe(status);
      if (field) expect(JSON.stringify(r.body.errors)).toContain(field);
    }
    const after = await detail(id);
    expect(after.version).toBe(before.version);
    expect(after.incident).toEqual(before.incident);
    expect(after.notes).toEqual([]);
  });

  it('lets a leader escalate, reclassify and (once closed) record the evaluation; each on the timeline', async () => {
    const id = await report({ urgency: 'normal' });
    let d = await detail(id, 'leader:刘静');
    const esc = await call('POST', `/api/v1/duty/incidents/${id}/escalations`, 'operator:蒋丽', { department: '消防救援站', answeredBy: '李队长', answeredAt: new Date().toISOString() }, { 'if-match': `"${d.version}"` });
    expect(esc.status).toBe(200);
    d = await detail(id, 'leader:刘静');
    const re = await call('POST', `/api/v1/duty/incidents/${id}/classification`, 'leader:刘静', { colour: 'orange', urgency: 'urgent' }, { 'if-match': `"${d.version}"` });
    expect(re.status).toBe(200);
    expect(re.body).toMatchObject({ colour: 'orange', urgency: 'urgent' });
    d = await detail(id, 'leader:刘静');
    expect(d.notes).toHaveLength(2);
  });

  it('desk changes go through the write service: timeline entry and audit entry together, announced on the bus with who and where from', async () => {
    const id = await report({ urgency: 'normal' });
    const bus = server.ctx.use('bus');
    const heard: { actor?: string; source?: string; version?: number }[] = [];
    const listen = (changes: { after: Incident }[], meta?: { actor: string; source: string }) => {
      for (const c of changes) if (c.after.id === id) heard.push({ actor: meta?.actor, source: meta?.source, version: c.after.version });
    };
    bus.on('incidents', listen);
    try {
      const v = async () => (await detail(id, 'leader:刘静')).version;
      const steps: [string, string, Record<string, unknown>][] = [
        ['notes', 'operator:蒋丽', { note: '已电话联系' }],
        ['escalations', 'operator:蒋丽', { department: '消防救援站' }],
        ['classification', 'leader:刘静', { urgency: 'urgent', note: '升级' }],
        ['transitions', 'operator:蒋丽', { to: 'accepted' }],
        ['transitions', 'operator:蒋丽', { to: 'dispatched', assignee: '网格员 李四', dispatchKind: 'grid_worker' }],
      ];
      for (const [action, who, body] of steps) {
        const r = await call('POST', `/api/v1/duty/incidents/${id}/${action}`, who, body, { 'if-match': `"${await v()}"` });
        expect(r.status, `${action}: ${JSON.stringify(r.body)}`).toBe(200);
      }
      // The write service also takes them from the server's own parts (no route in between).
      const writes = server.ctx.use('writes');
      const noted = await writes.addNote(id, { note: '系统备注' }, { actor: { kind: 'system', name: 'scheduler', role: 'admin' }, source: 'system' });
      expect(noted.ok).toBe(true);
      const refused = await writes.reclassify(id, { colour: 'red' }, { actor: { kind: 'user', name: '蒋丽', role: 'operator' }, source: 'desk' });
      expect(refused).toMatchObject({ ok: false, reason: 'forbidden' });
    } finally {
      bus.off('incidents', listen);
    }
    expect(heard.map((h) => [h.actor, h.source])).toEqual([
      ['蒋丽', 'desk'], ['蒋丽', 'desk'], ['刘静', 'desk'], ['蒋丽', 'desk'], ['蒋丽', 'desk'], ['scheduler', 'system'],
    ]);
    expect(heard.map((h) => h.version)).toEqual([2, 3, 4, 5, 6, 7]);
    const d = await detail(id, 'leader:刘静');
    expect(d.notes.map((n) => (n as { kind: string }).kind)).toEqual(['note', 'escalation', 'reclassification', 'dispatch', 'note']);
    expect(d.notes[3]).toMatchObject({ by: '蒋丽', detail: { assignee: '网格员 李四', dispatchKind: 'grid_worker' } });
    const audit = await server.ctx.use('store').sql.query<{ kind: string; actor: string }>('SELECT kind, actor FROM audit_log WHERE target = $1 ORDER BY seq', [id]);
    expect(audit.map((a) => `${a.kind} ${a.actor}`)).toEqual([
      'records.created INGEST_API_KEY', 'incident.noted 蒋丽', 'incident.escalated 蒋丽', 'incident.reclassified 刘静', 'incident.transition 蒋丽', 'incident.transition 蒋丽', 'incident.noted scheduler',
    ]);
  });

  it('keeps targets within sense, and stamps new incidents with the edited ones', async () => {
    const bad = [{ acceptMin: -1, arriveMin: 5, handleMin: 10, closeMin: 1440 }, { acceptMin: 1, arriveMin: 5, handleMin: 10, closeMin: 10_000_000 }, { acceptMin: 30, arriveMin: 5, handleMin: 10, closeMin: 1440 }];
    for (const body of bad) expect((await call('PUT', '/api/v1/duty/targets/rapid_1_5_10', 'leader:刘静', body)).status).toBe(400);
    expect((await call('PUT', '/api/v1/duty/targets/rapid_1_5_10', 'operator:蒋丽', { acceptMin: 2, arriveMin: 6, handleMin: 12, closeMin: 1440 })).status).toBe(403);
    const ok = await call('PUT', '/api/v1/duty/targets/rapid_1_5_10', 'leader:刘静', { acceptMin: 2, arriveMin: 6, handleMin: 12, closeMin: 1440 });
    expect(ok.status).toBe(200);
    const id = await report({ urgency: 'critical' });
    const i = (await detail(id)).incident;
    expect(Date.parse(i.acceptBy as string) - Date.parse(i.reportedAt)).toBe(2 * 60_000);
    expect(Date.parse(i.handleBy as string) - Date.parse(i.reportedAt)).toBe(12 * 60_000);
  });

  it('serves the queue to operators, not to viewers, with bad filters named', async () => {
    const q = await call('GET', '/api/v1/duty/queue?urgency=critical&limit=5', 'operator:蒋丽');
    expect(q.status).toBe(200);
    expect((q.body.items as unknown[]).length).toBeGreaterThan(0);
    expect((await call('GET', '/api/v1/duty/queue', 'viewer:v')).status).toBe(403);
    const bad = await call('GET', '/api/v1/duty/queue?colour=purple', 'operator:蒋丽');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.errors)).toContain('colour');
  });
});

describe('shift handover', () => {
  it('names the next shift\'s leader as incoming on a sheet made mid-shift (never the outgoing one), and takes its two signatures from two people', async () => {
    // The street's demo roster (the server found it the same way): who leads now and who leads next.
    const roster = await readRoster(path.join(REPO_ROOT, 'data', 'streets', 'shiyoulu', ROSTER_FILE));
    const now = shiftAt(roster.shifts, Date.now(), 'Asia/Shanghai');
    const outgoing = onShiftAt(roster, Date.now(), 'Asia/Shanghai')?.leader ?? null;
    const next = onShiftAt(roster, now.end + 1, 'Asia/Shanghai')?.leader ?? null;
    const made = await call('POST', '/api/v1/duty/handovers', 'operator:蒋丽', { notes: '3号楼复查' });
    expect(made.status).toBe(201);
    const sheet = made.body as unknown as HandoverSheet;
    expect(sheet.outgoingLeader).toBe(outgoing);
    expect(sheet.outgoingLeader).not.toBeNull();
    expect(sheet.incomingLeader).not.toBe(sheet.outgoingLeader);
    expect(sheet.incomingLeader).toBe(next === outgoing ? null : next);

    const sign = (who: string, role: string) => call('POST', `/api/v1/duty/handovers/${sheet.id}/signatures`, who, { role });
    expect((await sign('operator:蒋丽', 'outgoing')).status).toBe(403);
    expect((await sign('leader:刘静', 'outgoing')).status).toBe(200);
    const again = await sign('leader:刘静', 'incoming');
    expect(again.status).toBe(409);
    expect(JSON.stringify(again.body.errors)).toContain('"path":"role"');
    expect((await call('GET', `/api/v1/duty/handovers/${sheet.id}`, 'operator:蒋丽')).body.signatures).toHaveLength(1);
    const other = await sign('leader:周建国', 'incoming');
    expect(other.status).toBe(200);
    expect((other.body as unknown as HandoverSheet).signatures.map((s) => [s.role, s.by])).toEqual([['outgoing', '刘静'], ['incoming', '周建国']]);
    expect((await sign('leader:陈志华', 'incoming')).status).toBe(409);
  });
});

// --- the lifecycle property ---------------------------------------------------------------
const COUNT = 6;
const ids: string[] = [];
const store = () => server.ctx.use('store');
const version = async (id: string) => String((await store().getIncident(id))?.version ?? 1);

const command = fc.record({
  i: fc.nat({ max: COUNT - 1 }),
  role: fc.constantFrom<Role>('viewer', 'operator', 'leader'),
  to: fc.constantFrom(...STATUSES.map((s) => s.code).filter((s) => s !== 'merged')),
  stale: fc.boolean(),
  reclassify: fc.boolean(),
});

describe('desk lifecycle under random concurrent moves', () => {
  it('never breaks the lifecycle, the roles or the figures', async () => {
    for (let i = 0; i < COUNT; i++) ids.push(await report({ category: i % 2 ? 'dispute' : 'safety_hazard', urgency: (['critical', 'urgent', 'normal'] as const)[i % 3] }));
    await fc.assert(fc.asyncProperty(fc.array(fc.array(command, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 5 }), async (batches) => {
      for (const batch of batches) {
        const versions = await Promise.all(batch.map((c) => version(ids[c.i] as string)));
        const answers = await Promise.all(batch.map(async (c, k) => {
          const id = ids[c.i] as string;
          const ifMatch = c.stale ? '2000-01-01T00:00:00.000Z' : versions[k];
          const body = c.reclassify ? { urgency: c.to === 'closed' ? 'critical' : 'normal' } : { to: c.to, note: '随机', assignee: '城管' };
          const res = await fetch(`${server.url}/api/v1/duty/incidents/${id}/${c.reclassify ? 'classification' : 'transitions'}`, {
            method: 'POST', headers: { 'content-type': 'application/json', 'x-test-user': `${c.role}:${c.role}`, 'if-match': `"${ifMatch}"` }, body: JSON.stringify(body),
          });
          await res.text();
          return res.status;
        }));
        batch.forEach((c, k) => {
          const status = answers[k] as number;
          expect([200, 403, 409, 412]).toContain(status);
          if (c.role === 'viewer') expect(status).toBe(403);
          if (c.stale && status !== 403) expect(status).toBe(412);
          if (!c.reclassify && status === 200) expect(['operator', 'leader', 'admin'].indexOf(c.role)).toBeGreaterThanOrEqual(['operator', 'leader'].indexOf(MOVE_ROLES[c.to]));
        });
        // Two requests on the same incident and version: at most one of them wrote.
        const wrote = new Map<number, number>();
        batch.forEach((c, k) => {
          if (answers[k] === 200) wrote.set(c.i, (wrote.get(c.i) ?? 0) + 1);
        });
        for (const n of wrote.values()) expect(n).toBe(1);
      }
      const incidents: Incident[] = [];
      for (const id of ids) {
        const got = await store().getIncident(id);
        if (!got) throw new Error(`incident ${id} vanished`);
        const { history, ...incident } = got;
        incidents.push(incident);
        let at: IncidentStatus | null = null;
        for (const step of history) {
          if (at !== null) expect(canTransition(at, step.to), `${at} -> ${step.to}`).toBe(true);
          if (step.to === 'closed' || step.to === 'returned') expect(step.by).toBe('leader');
          at = step.to;
        }
        expect(at).toBe(incident.status);
      }
      // Every incident in the store (earlier tests made some), as the figures count them all.
      const all = (await store().listIncidents({}, 500, null)).items;
      const engine = server.ctx.use('figures');
      const now = Date.now();
      const figures = (s: ReturnType<typeof engine.summary>) => ({ ...s, at: '', seq: 0 });
      expect(figures(engine.summary())).toStrictEqual(figures(recount(all, [], now, server.ctx.config.timeZone, server.ctx.street.meta.id)));
    }), { numRuns: 8 });
  });
});
