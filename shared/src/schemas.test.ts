import { describe, expect, it } from 'vitest';
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
