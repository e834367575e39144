// The upload route an admin page sends files to: multipart outside /api's JSON-only check, a
// signed-in admin only, a dry run that changes nothing, a real run with its summary and preview.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { startTestServer, stopAllServers, type TestServer } from '../helpers/server.ts';

let server: TestServer;
let cookie = '';

beforeAll(async () => {
  server = await startTestServer();
  const res = await fetch(`${server.url}/api/v1/session`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: server.credentials.adminPassword }),
  });
  expect(res.status).toBe(200);
  cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] as string;
});

afterAll(async () => {
  await stopAllServers();
});

function form(text: string, name = '演练.csv'): FormData {
  const body = new FormData();
  body.append('file', new Blob([new Uint8Array(iconv.encode(text, 'gbk'))]), name);
  return body;
}

const CSV = '石油路街道消防演练台账\r\n演练编号,演练日期,演练级别,演练类型,参与人数\r\nU-1,2024/3/5,社区,疏散演练,30\r\nU-2,2024/3/6,省级,疏散演练,30\r\n合计,,,,60\r\n';

describe('POST /uploads/imports', () => {
  it('takes a file from a signed-in admin only, previews and dry-runs it, then imports it once', async () => {
    const anonymous = await fetch(`${server.url}/uploads/imports?kind=fire-drills`, { method: 'POST', body: form(CSV) });
    expect(anonymous.status).toBe(401);
    const withKey = await fetch(`${server.url}/uploads/imports?kind=fire-drills`, { method: 'POST', headers: { 'x-api-key': server.credentials.ingestKey }, body: form(CSV) });
    expect(withKey.status).toBe(403);

    const dry = await fetch(`${server.url}/uploads/imports?kind=fire-drills&dryRun=1`, { method: 'POST', headers: { cookie }, body: form(CSV) });
    expect(dry.status).toBe(200);
    const preview = (await dry.json()) as Record<string, unknown>;
    expect(preview).toMatchObject({
      dryRun: true, file: '演练.csv', encoding: 'gb18030', headerRow: 2, accepted: 1, created: 1, rejected: 1, skipped: { totals: 1 },
      preview: { headerRow: 2, columns: [{ header: '演练编号', field: 'externalId' }, { header: '演练日期', field: 'occurredAt' }, { header: '演练级别', field: 'level' }, { header: '演练类型', field: 'kind' }, { header: '参与人数', field: 'participants' }] },
    });
    expect((preview.preview as { rows: unknown[] }).rows).toEqual([
      { row: 3, cells: ['U-1', '2024/3/5', '社区', '疏散演练', '30'] }, { row: 4, cells: ['U-2', '2024/3/6', '省级', '疏散演练', '30'] },
    ]);
    expect((preview.problems as { row: number; column: string }[]).map((p) => [p.row, p.column])).toEqual([[4, '演练级别']]);

    const real = await fetch(`${server.url}/uploads/imports?kind=fire-drills`, { method: 'POST', headers: { cookie }, body: form(CSV) });
    expect(await real.json()).toMatchObject({ dryRun: false, created: 1, rejected: 1 });
    const again = await fetch(`${server.url}/uploads/imports?kind=fire-drills`, { method: 'POST', headers: { cookie }, body: form(CSV) });
    expect(await again.json()).toMatchObject({ created: 0, existing: 1 });
  });

  it('names what is wrong: no file, an unknown kind, a file it cannot read', async () => {
    const noFile = await fetch(`${server.url}/uploads/imports?kind=fire-drills`, { method: 'POST', headers: { cookie }, body: new FormData() });
    expect(noFile.status).toBe(400);
    expect(((await noFile.json()) as { errors: { path: string }[] }).errors[0]?.path).toBe('file');
    const badKind = await fetch(`${server.url}/uploads/imports?kind=nope`, { method: 'POST', headers: { cookie }, body: form(CSV) });
    expect(badKind.status).toBe(400);
    const unreadable = await fetch(`${server.url}/uploads/imports?kind=fire-drills`, { method: 'POST', headers: { cookie }, body: form('随便写的\r\n没有表头\r\n', 'notes.csv') });
    expect(unreadable.status).toBe(422);
    expect(((await unreadable.json()) as { detail: string }).detail).toContain('没有找到表头');
  });
});
