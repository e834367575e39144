// TRUST_PROXY (issue 14 §3): in docs/deploy.md's container recipe the host's nginx reaches the
// server from the Docker bridge gateway, not loopback. Here the machine's own non-loopback address
// stands in for that gateway: a request from it is believed only when TRUST_PROXY names it, and
// then X-Forwarded-Proto: https gives the session cookie Secure and X-Forwarded-For is req.ip
// (what the audit log records). The default (loopback) no longer applies once TRUST_PROXY is set.
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditPage } from '@grid141/shared';
import { startTestServer, type TestServer } from '../helpers/server.ts';

/** An IPv4 address of this machine that is not loopback (a container's bridge gateway stands in). */
const outside = Object.values(os.networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal)?.address;

describe.skipIf(!outside)('TRUST_PROXY: a proxy that is not on loopback', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { HOST: '0.0.0.0', TRUST_PROXY: outside! }, startTimeoutMs: 150_000 });
  }, 180_000);
  afterAll(async () => {
    await server?.stop();
  });

  const signIn = (origin: string, forwardedFor: string) =>
    fetch(`${origin}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https', 'x-forwarded-for': forwardedFor },
      body: JSON.stringify({ username: 'admin', password: server.credentials.adminPassword }),
    });

  it('believes X-Forwarded-Proto and -For from the named proxy only: Secure cookie, the client address in the audit log', async () => {
    const viaProxy = await signIn(`http://${outside}:${server.port}`, '203.0.113.7');
    expect(viaProxy.status).toBe(200);
    const cookie = viaProxy.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/;\s*Secure/i);

    // From loopback, which TRUST_PROXY no longer names, the same headers are a client's words.
    const direct = await signIn(`http://127.0.0.1:${server.port}`, '198.51.100.9');
    expect(direct.status).toBe(200);
    expect(direct.headers.get('set-cookie') ?? '').not.toMatch(/Secure/i);

    const audit = await fetch(`http://127.0.0.1:${server.port}/api/v1/audit?kind=session.signin`, { headers: { cookie: cookie.split(';')[0]! } });
    expect(audit.status).toBe(200);
    const addresses = ((await audit.json()) as AuditPage).items.filter((e) => e.kind === 'session.signin').map((e) => e.address);
    expect(addresses).toContain('203.0.113.7');
    expect(addresses).not.toContain('198.51.100.9');
    expect(addresses.some((a) => a === '127.0.0.1' || a === '::ffff:127.0.0.1')).toBe(true);
  });
});
