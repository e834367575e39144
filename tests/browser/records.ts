// Known records for the wall test and the figures the boards must then show, computed here from
// the records themselves (never read back from the server). Places come from the street's POIs.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { CATEGORIES } from '@grid141/shared';
import { REPO_ROOT } from '../helpers/server.ts';

interface Poi {
  geometry: { coordinates: [number, number] };
  properties: { id: string; name: string; kind: string; communityId: string };
}
const streetDir = path.join(REPO_ROOT, 'data', 'streets', 'shiyoulu');
const pois = (JSON.parse(readFileSync(path.join(streetDir, 'pois.geojson'), 'utf8')) as { features: Poi[] }).features;
const communities = (JSON.parse(readFileSync(path.join(streetDir, 'communities.geojson'), 'utf8')) as {
  features: { properties: { id: string; name: string } }[];
}).features;

/** One fire station per community: a point with a known community. */
export const stations = pois.filter((p) => p.properties.kind === 'fire_station');
const canteens = pois.filter((p) => p.properties.kind === 'canteen' || p.properties.kind === 'meal_point');

export function communityName(id: string): string {
  return communities.find((c) => c.properties.id === id)?.properties.name ?? id;
}
export function categoryName(code: string): string {
  return CATEGORIES.find((c) => c.code === code)?.zh ?? code;
}

const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();
const lngLat = (p: Poi) => ({ lng: p.geometry.coordinates[0], lat: p.geometry.coordinates[1] });
const id = (prefix: string) => `${prefix}-${randomUUID()}`;

/** Incidents of several categories (so several colours) in known communities, a few minutes ago. */
export function ordinaryIncidents() {
  const categories = ['city_mgmt', 'dispute', 'livelihood', 'environment', 'party_org', 'safety_hazard'];
  return categories.map((category, i) => {
    const station = stations[i % stations.length] as Poi;
    return {
      externalId: id('inc'),
      source: 'grid_patrol',
      category,
      urgency: 'normal',
      description: '浏览器测试事件',
      location: lngLat(station),
      reportedAt: at(10 - i),
    };
  });
}

export function criticalIncident() {
  const station = stations[stations.length - 1] as Poi;
  return {
    body: {
      externalId: id('crit'),
      source: 'hotline_12345',
      category: 'emergency',
      urgency: 'critical',
      description: '浏览器测试特急事件',
      location: lngLat(station),
      reportedAt: new Date().toISOString(),
    },
    communityId: station.properties.communityId,
  };
}

export function feedRecords() {
  const meals = [
    { tier: 'elderly_member', quantity: 12, mode: 'dine_in' },
    { tier: 'elderly_member', quantity: 5, mode: 'delivery' },
    { tier: 'member', quantity: 7, mode: 'dine_in' },
    { tier: 'public', quantity: 6, mode: 'pickup' },
  ].map((m, i) => ({ externalId: id('meal'), servedAt: at(20 + i), canteenId: (canteens[i % canteens.length] as Poi).properties.id, slot: 'lunch', ...m }));
  const drills = [
    { externalId: id('drill'), occurredAt: at(30), level: 'community', kind: 'evacuation', participants: 43, location: lngLat(stations[0] as Poi) },
  ];
  const inspections = [{ externalId: id('insp'), occurredAt: at(25), kind: 'carpet', hazardsFound: 9, hazardsRectified: 4 }];
  const entities = [
    { name: '测试便利店', entityType: 'individual', industry: 'F' },
    { name: '测试科技有限公司', entityType: 'enterprise', industry: 'I' },
    { name: '测试餐馆', entityType: 'individual', industry: 'H' },
  ].map((e) => ({ externalId: id('ent'), registeredAt: at(40), ...e }));
  const volunteers = [
    { team: '石油路党员先锋队', teamCategory: 'party_leadership', hours: 18, participants: 6, points: 60 },
    { team: '新影村银发志愿队', teamCategory: 'livelihood', hours: 7, participants: 3, points: 25 },
    { team: '茶亭社区平安守望队', teamCategory: 'safety_stability', hours: 5, participants: 4, points: 20 },
    // teamCategory is optional: counted in the week's hours, not in the by-category donut.
    { team: '临时志愿者', hours: 2, participants: 2, points: 0 },
  ].map((v) => ({ externalId: id('vol'), occurredAt: at(35), title: '测试活动', ...v }));
  const alarms = [{ externalId: id('alarm'), occurredAt: at(15), device: 'smoke', type: 'smoke', location: lngLat(stations[1] as Poi) }];

  const mealTotal = meals.reduce((s, m) => s + m.quantity, 0);
  const elderly = meals.filter((m) => m.tier === 'elderly_member').reduce((s, m) => s + m.quantity, 0);
  const expected = {
    party: {
      hours: volunteers.reduce((s, v) => s + v.hours, 0),
      activities: volunteers.length,
      points: volunteers.reduce((s, v) => s + v.points, 0),
    },
    economy: { total: entities.length, newMonth: entities.length, newYear: entities.length },
    livelihood: {
      meals: mealTotal,
      delivered: meals.filter((m) => m.mode === 'delivery').reduce((s, m) => s + m.quantity, 0),
      elderlyShare: Math.round((elderly / mealTotal) * 100),
    },
    safety: { drillsWeek: drills.length, drillsYear: drills.length, participants: drills.reduce((s, d) => s + d.participants, 0), alarms: alarms.length },
  };
  return {
    posts: {
      'canteen-meals': meals,
      'fire-drills': drills,
      'hazard-inspections': inspections,
      'market-entities': entities,
      'volunteer-activities': volunteers,
      alarms,
    } as Record<string, unknown[]>,
    expected,
  };
}
