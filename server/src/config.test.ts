import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, REPO_ROOT, loadConfig } from './config.ts';

function errorOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env, '/srv/grid141');
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    const config = loadConfig({}, '/srv/grid141');
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      dataDir: '/srv/grid141/var',
      databaseUrl: null,
      redisUrl: null,
      streetId: 'shiyoulu',
      streetsDir: path.join(REPO_ROOT, 'data', 'streets'),
      timeZone: 'Asia/Shanghai',
      simulate: false,
      simulateSpeed: 1,
      ingestApiKey: null,
      viewerToken: null,
      adminPassword: null,
      logLevel: 'info',
      duty: { officer: null, leader: null },
    });
  });

  it('reads every variable', () => {
    const config = loadConfig(
      {
        PORT: '9000', HOST: '0.0.0.0', DATA_DIR: 'data-here', DATABASE_URL: 'postgres://u:p@db:5432/grid',
        REDIS_URL: 'redis://cache:6379', STREET: 'other-street', TZ_STREET: 'Europe/Berlin', SIMULATE: '1',
        SIMULATE_SPEED: '60', INGEST_API_KEY: 'k'.repeat(20), VIEWER_TOKEN: 'v'.repeat(20), ADMIN_PASSWORD: 'secret-pass',
        LOG_LEVEL: 'debug', DUTY_OFFICER: '张三', DUTY_LEADER: '李四', STREETS_DIR: '/data/streets',
      },
      '/srv/grid141',
    );
    expect(config).toMatchObject({
      port: 9000, host: '0.0.0.0', dataDir: '/srv/grid141/data-here', databaseUrl: 'postgres://u:p@db:5432/grid',
      redisUrl: 'redis://cache:6379', streetId: 'other-street', timeZone: 'Europe/Berlin', simulate: true,
      simulateSpeed: 60, logLevel: 'debug', duty: { officer: '张三', leader: '李四' }, streetsDir: '/data/streets',
    });
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', TZ_STREET: '' }).port).toBe(8080);
  });

  it.each([
    ['PORT', 'abc'], ['PORT', '-1'], ['PORT', '8080.5'], ['PORT', '65536'],
    ['TZ_STREET', 'Mars/Base'], ['SIMULATE', 'true'], ['SIMULATE_SPEED', '0'], ['SIMULATE_SPEED', 'fast'],
    ['DATABASE_URL', 'not a url'], ['DATABASE_URL', 'mysql://x/y'], ['REDIS_URL', 'http://x'],
    ['STREET', 'Shi You Lu'], ['LOG_LEVEL', 'verbose'], ['INGEST_API_KEY', 'short'], ['ADMIN_PASSWORD', '123'],
  ])('refuses %s=%s with one line naming it', (variable, value) => {
    const error = errorOf({ [variable]: value });
    expect(error.variable).toBe(variable);
    expect(error.message.startsWith(`${variable}: `)).toBe(true);
    expect(error.message).not.toContain('\n');
  });

  it('never echoes a secret it refuses', () => {
    expect(errorOf({ INGEST_API_KEY: 'tooshort' }).message).not.toContain('tooshort');
    expect(errorOf({ DATABASE_URL: 'mysql://user:hunter2@x/y' }).message).not.toContain('hunter2');
  });
});

describe('the wall setup (WALL_LAYOUT, WALL_ROTATE, BASEMAP_TILES)', () => {
  it('is off by default: the default shape, no rotation, no external basemap', () => {
    expect(loadConfig({}).wall).toEqual({ layout: null, rotate: null, basemap: null });
  });

  it('is read and checked like every other variable', () => {
    const config = loadConfig({
      WALL_LAYOUT: '5760x2160',
      WALL_ROTATE: 'party:30,safety:15',
      BASEMAP_TILES: 'https://tiles.example.org/{z}/{x}/{y}.png',
      BASEMAP_ATTRIBUTION: '© Example',
    });
    expect(config.wall).toEqual({
      layout: { width: 5760, height: 2160 },
      rotate: 'party:30,safety:15',
      basemap: { tiles: 'https://tiles.example.org/{z}/{x}/{y}.png', attribution: '© Example' },
    });
  });

  it.each([
    ['WALL_LAYOUT', '5760*2160'], ['WALL_LAYOUT', '100x100'], ['WALL_ROTATE', '2'], ['WALL_ROTATE', 'nowhere:30'],
    ['BASEMAP_TILES', 'https://tiles.example.org/tile.png'], ['BASEMAP_TILES', 'ftp://x/{z}/{x}/{y}.png'],
  ])('refuses %s=%s with one line naming it', (variable, value) => {
    const error = errorOf({ [variable]: value });
    expect(error.variable).toBe(variable);
    expect(error.message).not.toContain('\n');
  });
});

describe('BASE_PATH and FRAME_ANCESTORS', () => {
  it('default to the root and to no frame at all', () => {
    const config = loadConfig({});
    expect(config.basePath).toBe('');
    expect(config.frameAncestors).toEqual([]);
  });

  it('take a sub-path without its trailing slash, and origins or self', () => {
    expect(loadConfig({ BASE_PATH: '/grid141/' }).basePath).toBe('/grid141');
    expect(loadConfig({ BASE_PATH: '/ops/wall' }).basePath).toBe('/ops/wall');
    expect(loadConfig({ BASE_PATH: '/' }).basePath).toBe('');
    expect(loadConfig({ FRAME_ANCESTORS: "'self' https://portal.example.org https://*.example.net:8443" }).frameAncestors).toEqual([
      "'self'", 'https://portal.example.org', 'https://*.example.net:8443',
    ]);
    expect(loadConfig({ FRAME_ANCESTORS: "'none'" }).frameAncestors).toEqual([]);
    expect(loadConfig({}).photoHosts).toEqual([]);
    expect(loadConfig({ PHOTO_HOSTS: 'https://files.wgy.example.cn https://*.12345.example.cn:8443' }).photoHosts).toEqual([
      'https://files.wgy.example.cn', 'https://*.12345.example.cn:8443',
    ]);
  });

  it.each([
    ['BASE_PATH', 'grid141'], ['BASE_PATH', '/grid 141'], ['BASE_PATH', '/a?b'],
    ['FRAME_ANCESTORS', '*'], ['FRAME_ANCESTORS', "https://portal.example.org/path"], ['FRAME_ANCESTORS', "'unsafe-inline'"], ['FRAME_ANCESTORS', 'portal.example.org;script-src *'],
    ['PHOTO_HOSTS', '*'], ['PHOTO_HOSTS', "'self'"], ['PHOTO_HOSTS', 'https://files.example.cn/photos'], ['PHOTO_HOSTS', 'files.example.cn; script-src *'],
  ])('refuses %s=%s with one line naming it', (variable, value) => {
    const error = errorOf({ [variable]: value });
    expect(error.variable).toBe(variable);
    expect(error.message).not.toContain('\n');
  });
});

describe('TRUST_PROXY (issue 14 §3: a container behind the host\'s nginx)', () => {
  it('is loopback by default; takes names, addresses, CIDR ranges or a hop count', () => {
    expect(loadConfig({}).trustProxy).toEqual(['loopback']);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 172.17.0.1' }).trustProxy).toEqual(['loopback', '172.17.0.1']);
    expect(loadConfig({ TRUST_PROXY: 'uniquelocal' }).trustProxy).toEqual(['uniquelocal']);
    expect(loadConfig({ TRUST_PROXY: '172.16.0.0/12,fd00::/8,::1' }).trustProxy).toEqual(['172.16.0.0/12', 'fd00::/8', '::1']);
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
  });

  it.each(['true', 'proxy.example.org', '172.17.0.1/33', '10.0.0.0/8/1', 'loopback,,10.0.0.1', '999', '*'])('refuses TRUST_PROXY=%s with one line naming it', (value) => {
    const error = errorOf({ TRUST_PROXY: value });
    expect(error.variable).toBe('TRUST_PROXY');
    expect(error.message).toContain(value);
    expect(error.message).not.toContain('\n');
  });
});

describe('DUPLICATE_RULES', () => {
  it('is the built-in table when unset: 50 m / 30 min, emergency 150 m / 60 min, dispute 20 m / 30 min', () => {
    const { duplicates } = loadConfig({});
    expect(duplicates.fallback).toEqual({ radiusM: 50, windowMin: 30 });
    expect(duplicates.byCategory).toEqual({ emergency: { radiusM: 150, windowMin: 60 }, dispute: { radiusM: 20, windowMin: 30 } });
  });

  it('lays category:metres/minutes pairs over the built-in table, default: for every category not named', () => {
    const { duplicates } = loadConfig({ DUPLICATE_RULES: 'city_mgmt:30/20, emergency : 200/90,default:80/45' });
    expect(duplicates.fallback).toEqual({ radiusM: 80, windowMin: 45 });
    expect(duplicates.byCategory).toEqual({
      city_mgmt: { radiusM: 30, windowMin: 20 }, emergency: { radiusM: 200, windowMin: 90 }, dispute: { radiusM: 20, windowMin: 30 },
    });
  });

  it.each([
    'potholes:50/30', 'city_mgmt:50', 'city_mgmt:0/30', 'city_mgmt:1001/30', 'city_mgmt:50/1441', 'city_mgmt:50/30,city_mgmt:60/30',
    'city_mgmt:50.5/30', 'city_mgmt=50/30', ',',
  ])('refuses DUPLICATE_RULES=%s with one line naming it', (value) => {
    const error = errorOf({ DUPLICATE_RULES: value });
    expect(error.variable).toBe('DUPLICATE_RULES');
    expect(error.message).not.toContain('\n');
  });
});
