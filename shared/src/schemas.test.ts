import { describe, expect, it } from 'vitest';
import { MISSING_OFFSET_MESSAGE } from './common.ts';
import { makeFeedSchemas } from './feeds.ts';
import { makeIncidentInputSchema } from './incident.ts';
import { dueAtFor, targetsFor } from './taxonomy.ts';

const now = Date.parse('2026-11-25T10:00:00+08:00');
const incident = makeIncidentInputSchema(() => now);
const feeds = makeFeedSchemas(() => now);

const good = {
  externalId: 'GW-2026-000123',
  source: 'grid_patrol',
  category: 'city_mgmt',
  description: '石油路口占道经营',
  location: { lng: 106.52, lat: 29.55 },
};

function paths(result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }): string[] {
  return (result.error?.issues ?? []).map((issue) => issue.path.join('.'));
}

describe('incident input', () => {
  it('takes a minimal good record and fills the defaults', () => {
    const parsed = incident.parse(good);
    expect(parsed.urgency).toBe('normal');
    expect(parsed.simulated).toBe(false);
  });

  it('keeps HTML as text', () => {
    const parsed = incident.parse({ ...good, description: '<script>alert(1)</script>' });
    expect(parsed.description).toBe('<script>alert(1)</script>');
  });

  it.each([
    [{ ...good, externalId: undefined }, 'externalId'],
    [{ ...good, category: 'ufo_sighting' }, 'category'],
    [{ ...good, source: 'pigeon' }, 'source'],
    [{ ...good, urgency: 'whenever' }, 'urgency'],
    [{ ...good, location: { lng: 106.5, lat: 95 } }, 'location.lat'],
    [{ ...good, location: { lng: '106.5', lat: 29.5 } }, 'location.lng'],
    [{ ...good, description: 'x'.repeat(4001) }, 'description'],
    [{ ...good, description: '' }, 'description'],
    [{ ...good, reportedAt: '2026-11-25T10:06:00+08:00' }, 'reportedAt'],
    [{ ...good, reportedAt: '2026-11-25 10:00' }, 'reportedAt'],
    [{ ...good, photos: ['javascript:alert(1)'] }, 'photos.0'],
  ])('refuses a bad record and names the field (%#)', (record, field) => {
    const result = incident.safeParse(record);
    expect(result.success).toBe(false);
    expect(paths(result)).toContain(field);
  });

  it('takes reportedAt up to five minutes ahead of the clock', () => {
    expect(incident.safeParse({ ...good, reportedAt: '2026-11-25T10:04:59+08:00' }).success).toBe(true);
  });
});

describe('feed inputs', () => {
  it('takes good records of every feed', () => {
    const at = '2026-11-25T09:00:00+08:00';
    expect(feeds['fire-drills'].safeParse({ externalId: 'd1', occurredAt: at, level: 'community', kind: 'evacuation', participants: 80 }).success).toBe(true);
    expect(feeds['hazard-inspections'].safeParse({ externalId: 'h1', occurredAt: at, kind: 'carpet', hazardsFound: 3, hazardsRectified: 2 }).success).toBe(true);
    expect(feeds.alarms.safeParse({ externalId: 'a1', occurredAt: at, device: 'smoke', type: 'smoke', location: { lng: 106.52, lat: 29.55 } }).success).toBe(true);
    expect(feeds['canteen-meals'].parse({ externalId: 'm1', servedAt: at, canteenId: 'SYL-POI-001', tier: 'elderly_member' }).quantity).toBe(1);
    expect(feeds['market-entities'].safeParse({ externalId: 'e1', name: '重庆某某科技有限公司', entityType: 'enterprise', industry: 'I', registeredAt: at }).success).toBe(true);
    expect(feeds['volunteer-activities'].safeParse({ externalId: 'v1', occurredAt: at, team: '石惠民乐志愿队', hours: 12, participants: 6 }).success).toBe(true);
  });

  it('refuses more hazards rectified than found, naming the field', () => {
    const result = feeds['hazard-inspections'].safeParse({ externalId: 'h1', occurredAt: '2026-11-25T09:00:00+08:00', kind: 'carpet', hazardsFound: 1, hazardsRectified: 2 });
    expect(paths(result)).toContain('hazardsRectified');
  });

  it('refuses an unknown meal tier and a negative count', () => {
    const meal = feeds['canteen-meals'].safeParse({ externalId: 'm1', servedAt: '2026-11-25T09:00:00+08:00', canteenId: 'c', tier: 'vip' });
    expect(paths(meal)).toContain('tier');
    const drill = feeds['fire-drills'].safeParse({ externalId: 'd1', occurredAt: '2026-11-25T09:00:00+08:00', level: 'street', kind: 'tabletop', participants: -1 });
    expect(paths(drill)).toContain('participants');
  });
});

describe('time targets', () => {
  it('uses the rapid 1/5/10 profile for critical incidents whatever the category', () => {
    expect(targetsFor('dispute', 'critical')).toMatchObject({ acceptMin: 1, arriveMin: 5, handleMin: 10 });
  });
  it('derives the due time from the report time and the close target', () => {
    expect(dueAtFor('city_mgmt', 'normal', '2026-11-25T02:00:00.000Z')).toBe('2026-11-26T02:00:00.000Z');
  });
});

describe('the text rule (docs/api.md, "Text")', () => {
  const NUL = '井盖缺失\u0000（短信网关转发）';
  const HALF_EMOJI = '张\udc00';

  it('refuses NUL and other C0 controls in the description, naming the field and the character', () => {
    const result = incident.safeParse({ ...good, description: NUL });
    expect(paths(result)).toEqual(['description']);
    expect(result.error?.issues[0]?.message).toMatch(/U\+0000 at position 4/);
    expect(paths(incident.safeParse({ ...good, description: 'bell\u0007' }))).toEqual(['description']);
    expect(paths(incident.safeParse({ ...good, description: 'esc\u001b[31m' }))).toEqual(['description']);
  });

  it('refuses half an emoji (a lone surrogate) in nested text, naming its path', () => {
    expect(paths(incident.safeParse({ ...good, reporter: { name: HALF_EMOJI } }))).toEqual(['reporter.name']);
    expect(paths(incident.safeParse({ ...good, title: '\ud83d' }))).toEqual(['title']);
    expect(paths(incident.safeParse({ ...good, externalId: 'x\u0000' }))).toEqual(['externalId']);
    expect(paths(incident.safeParse({ ...good, photos: ['https://a.example/\u0000.jpg'] }))).toEqual(['photos.0']);
  });

  it('keeps tab, line breaks, whole emoji and every other character exactly', () => {
    const text = '第一行\r\n第二行\t😀 👨‍👩‍👧 \u007f\u0085\u2028 <b>x</b>';
    expect(incident.parse({ ...good, description: text }).description).toBe(text);
  });

  it('applies to every feed text field', () => {
    const at = '2026-11-25T09:00:00+08:00';
    expect(paths(feeds['volunteer-activities'].safeParse({ externalId: 'v1', occurredAt: at, team: 'a\u0000', hours: 1, participants: 1 }))).toEqual(['team']);
    expect(paths(feeds.alarms.safeParse({ externalId: 'a1', occurredAt: at, device: 'smoke', type: 'smoke', location: { lng: 106.52, lat: 29.55 }, address: '5栋\udc00' }))).toEqual(['address']);
    expect(paths(feeds['market-entities'].safeParse({ externalId: 'e1', name: '\u0001', entityType: 'enterprise', industry: 'I', registeredAt: at }))).toEqual(['name']);
  });
});

describe('the time rules (docs/api.md, "Times")', () => {
  it('gives a reportedAt without an offset only that reason (not also "ahead of the clock")', () => {
    const result = incident.safeParse({ ...good, reportedAt: '2026-11-25T18:00:00' });
    // The true reason, 中文 / English (tester item 12: it said only "Invalid ISO datetime").
    expect(result.error?.issues.map((i) => i.message)).toEqual([MISSING_OFFSET_MESSAGE]);
    expect(MISSING_OFFSET_MESSAGE).toMatch(/^缺少时区偏移.*\/ no UTC offset/);
    expect(incident.safeParse({ ...good, reportedAt: 'yesterday' }).error?.issues.map((i) => i.message)).toEqual(['Invalid ISO datetime']);
  });

  it('refuses an offset beyond ±14:00 (no zone has +14:30), naming the field and the offset, and only that', () => {
    const result = incident.safeParse({ ...good, reportedAt: '2026-11-25T18:00:00+14:30' });
    expect(paths(result)).toEqual(['reportedAt']);
    expect(result.error?.issues.map((i) => i.message)).toEqual(['时区偏移 +14:30 超出 ±14:00 / the UTC offset +14:30 is beyond ±14:00, which no time zone uses']);
    expect(paths(incident.safeParse({ ...good, reportedAt: '2026-11-25T09:00:00-14:30' }))).toEqual(['reportedAt']);
    expect(incident.safeParse({ ...good, reportedAt: '2026-11-25T14:00:00+14:00' }).success).toBe(true);
    expect(incident.safeParse({ ...good, reportedAt: '2026-11-24T12:00:00-12:00' }).success).toBe(true);
  });

  it('refuses times before 2000 and registrations before 1900', () => {
    expect(paths(incident.safeParse({ ...good, reportedAt: '1970-01-01T00:00:00Z' }))).toEqual(['reportedAt']);
    const at = '1999-12-31T23:59:59+08:00';
    expect(paths(feeds['fire-drills'].safeParse({ externalId: 'd1', occurredAt: at, level: 'community', kind: 'evacuation', participants: 1 }))).toEqual(['occurredAt']);
    const entity = { externalId: 'e1', name: '老字号', entityType: 'enterprise', industry: 'I' };
    expect(feeds['market-entities'].safeParse({ ...entity, registeredAt: '1956-01-01T00:00:00+08:00' }).success).toBe(true);
    expect(paths(feeds['market-entities'].safeParse({ ...entity, registeredAt: '1899-01-01T00:00:00+08:00' }))).toEqual(['registeredAt']);
  });

  it('refuses a dueAt not after reportedAt, or more than a year after it', () => {
    const reportedAt = '2026-11-25T09:00:00+08:00';
    expect(paths(incident.safeParse({ ...good, reportedAt, dueAt: '2026-11-25T08:00:00+08:00' }))).toEqual(['dueAt']);
    expect(paths(incident.safeParse({ ...good, reportedAt, dueAt: reportedAt }))).toEqual(['dueAt']);
    expect(paths(incident.safeParse({ ...good, reportedAt, dueAt: '3020-01-01T00:00:00Z' }))).toEqual(['dueAt']);
    expect(paths(incident.safeParse({ ...good, dueAt: '2026-11-25T09:59:00+08:00' }))).toEqual(['dueAt']);
    expect(incident.safeParse({ ...good, reportedAt, dueAt: '2027-11-25T09:00:00+08:00' }).success).toBe(true);
  });

  it('refuses an alarm resolved before it occurred and an entity deregistered before it registered', () => {
    const alarm = { externalId: 'a1', occurredAt: '2026-11-25T09:00:00+08:00', device: 'smoke', type: 'smoke', location: { lng: 106.52, lat: 29.55 } };
    expect(paths(feeds.alarms.safeParse({ ...alarm, resolvedAt: '2026-11-25T08:59:00+08:00' }))).toEqual(['resolvedAt']);
    expect(feeds.alarms.safeParse({ ...alarm, resolvedAt: '2026-11-25T09:00:00+08:00' }).success).toBe(true);
    const entity = { externalId: 'e1', name: 'x', entityType: 'enterprise', industry: 'I', registeredAt: '2020-05-01T00:00:00+08:00' };
    expect(paths(feeds['market-entities'].safeParse({ ...entity, deregisteredAt: '2019-05-01T00:00:00+08:00' }))).toEqual(['deregisteredAt']);
    expect(paths(feeds['market-entities'].safeParse({ ...entity, deregisteredAt: '2026-11-25T10:06:00+08:00' }))).toEqual(['deregisteredAt']);
  });
});

describe('the text rule and the byte-order mark', () => {
  it('refuses U+FEFF as the first character (the embedded store drops it) and keeps it elsewhere', () => {
    expect(paths(incident.safeParse({ ...good, description: '\ufeff井盖' }))).toEqual(['description']);
    expect(incident.parse({ ...good, description: '井\ufeff盖' }).description).toBe('井\ufeff盖');
  });
});
