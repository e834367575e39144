// `npm run report` arguments: --help prints the usage (zh/en, options and examples) and exits 0; an
// unknown option or a bad value is one line naming it and the hint, exit 1 (the project's exit for a
// usage error, as `npm run import`), never a Node stack. No server and no Chromium are started.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'scripts', 'report.ts'), ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe('npm run report arguments', () => {
  it('--help and -h print the usage with every option and examples, exit 0', () => {
    for (const flag of ['--help', '-h']) {
      const r = run(flag);
      expect(r.code, r.stderr).toBe(0);
      for (const part of ['用法 usage', '--week', '--out', '--lang', '--scale', '--url', '--token', '示例 examples', 'npm run report -- --week 2026-W47']) expect(r.stdout).toContain(part);
      expect(r.stderr).toBe('');
    }
  });

  it('an unknown option: one line naming it and the usage hint, exit 1, no stack', () => {
    const r = run('--wek', '2026-W47');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual(['grid141 report: 未知选项 unknown option --wek (npm run report -- --help 查看用法 for usage)']);
  });

  it('a missing value, a stray argument and a bad --lang are one line each, exit 1', () => {
    for (const [args, says] of [[['--week'], '--week'], [['2026-W47'], '2026-W47'], [['--lang', 'fr'], '--lang must be zh-CN or en, got fr']] as const) {
      const r = run(...args);
      expect(r.code, r.stderr).toBe(1);
      const lines = r.stderr.trim().split('\n');
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toContain(says);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('a value beginning with "-" (issue 14): --token=VALUE is taken; --token VALUE is one line saying to write --token=VALUE', () => {
    const refused = run('--url', 'http://127.0.0.1:9', '--token', '-abc123');
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n')).toEqual([
      'grid141 report: --token 的值以 "-" 开头时请写成 --token=值 / a value beginning with "-" goes as --token=VALUE (npm run report -- --help 查看用法 for usage)',
    ]);
    // Parsed: it goes on to the server (which does not answer on port 9) or says Chromium is missing.
    const taken = run('--url=http://127.0.0.1:9', '--token=-abc123');
    expect(taken.code).toBe(1);
    expect(taken.stderr).toMatch(/cannot reach http:\/\/127\.0\.0\.1:9|Chromium/);
    expect(taken.stderr).not.toMatch(/ambiguous|--token=/);
  });
});
