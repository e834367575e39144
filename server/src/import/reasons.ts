// The reasons a row is refused, as a clerk reads them: Chinese first, then English, one per
// column. The API's checkers answer in English (zod's messages, the shared rules'); an import
// asks the same schema again for the zod issues of a refused row (only refused rows pay for it)
// and says each in both languages. Where several checks fail on one column (1e308 is too big and
// not a safe integer), the clearest one is given, once.
import { makeFeedSchemas, makeIncidentImportSchema, type FeedKind, type ProblemFieldError } from '@grid141/shared';
import type { z } from 'zod';
import type { ImportKind } from './kinds.ts';

type Issue = z.core.$ZodIssue;

/** A number as a person writes it (100000 → 100,000; 1e308 stays as it is). */
const shown = (n: number | bigint): string => (typeof n === 'number' && Math.abs(n) < 1e15 ? n.toLocaleString('en') : String(n));

/** Which of several issues on one column to give: a bound before a type, a type before a rule. */
const RANK: Record<string, number> = { too_big: 0, too_small: 0, invalid_type: 1, invalid_value: 1, invalid_format: 2, not_multiple_of: 2, custom: 3 };

// The shared rules' own English messages (shared/src/feeds.ts, incident.ts, incident-import.ts, common.ts).
const RULES: [RegExp, (m: RegExpExecArray) => string][] = [
  [/^hazardsRectified cannot exceed hazardsFound$/, () => '已整改数不能大于隐患数'],
  [/^deregisteredAt is before registeredAt$/, () => '注销日期早于登记日期'],
  [/^resolvedAt is before occurredAt$/, () => '解除时间早于发生时间'],
  [/^dueAt is not after reportedAt/, () => '办理时限不晚于上报时间（到达即超时）'],
  [/^dueAt is more than a year after reportedAt$/, () => '办理时限比上报时间晚一年以上'],
  [/^(\w+) is before (\d{4}-\d{2}-\d{2}), outside the plausible window$/, (m) => `早于 ${m[2]}，不在可信的时间范围内`],
  [/^(\w+) is more than 5 minutes ahead of the server clock$/, () => '晚于现在（超过 5 分钟），不能是将来的时间'],
  [/^(\w+) is before (\w+)$/, (m) => `${m[1]} 早于 ${m[2]}（办理步骤的时间要依次不早于前一步）`],
  [/^status (\w+) needs closedAt/, (m) => `状态 ${m[1]} 需要办结时间（closedAt）`],
  [/^(\w+) is given but status (\w+) has not got that far$/, (m) => `填了 ${m[1]}，但状态 ${m[2]} 还没到这一步`],
  [/^outside the service area/, () => '位置超出本街道服务范围（经纬度是否填反或为 0？）'],
  [/^no canteen or meal point/, () => '本街道没有这个食堂或助餐点'],
];

/** One zod issue as 中文 / English; `value` is what stood at the issue's path (zod leaves its input out). */
export function issueReason(issue: Issue, value?: unknown): string {
  switch (issue.code) {
    case 'too_small': {
      const min = issue.minimum;
      if (issue.origin === 'number' || issue.origin === 'int' || issue.origin === 'bigint') {
        if (Number(min) === 0 && issue.inclusive) return `不能为负数，应为 0 或更大 / must not be negative (0 or more)`;
        return issue.inclusive ? `不能小于 ${shown(min)} / must be at least ${shown(min)}` : `必须大于 ${shown(min)} / must be more than ${shown(min)}`;
      }
      if (issue.origin === 'string') return Number(min) <= 1 ? '不能为空 / must not be empty' : `至少 ${shown(min)} 个字 / at least ${shown(min)} characters`;
      return `至少 ${shown(min)} 项 / at least ${shown(min)} items`;
    }
    case 'too_big': {
      const max = issue.maximum;
      if (issue.origin === 'number' || issue.origin === 'int' || issue.origin === 'bigint') {
        if (Number(max) >= Number.MAX_SAFE_INTEGER) return '数字太大 / the number is too large';
        return issue.inclusive ? `不能大于 ${shown(max)} / must be at most ${shown(max)}` : `必须小于 ${shown(max)} / must be less than ${shown(max)}`;
      }
      if (issue.origin === 'string') return `最多 ${shown(max)} 个字 / at most ${shown(max)} characters`;
      return `最多 ${shown(max)} 项 / at most ${shown(max)} items`;
    }
    case 'invalid_type':
      if (value === undefined || value === null) return '必填项为空 / required, empty';
      if (issue.expected === 'int') return '必须是整数 / must be a whole number';
      if (issue.expected === 'number') return '必须是数字 / must be a number';
      if (issue.expected === 'string') return '必须是文字 / must be text';
      return `类型不对，应为 ${issue.expected} / expected ${issue.expected}`;
    case 'invalid_value':
      return `不是可选的值（可填：${issue.values.map(String).join('、')}）/ not one of the allowed values`;
    case 'invalid_format':
      // A datetime's own reason (no offset: shared/src/common.ts) is already 中文 / English.
      if (issue.format === 'datetime' && /[\u4e00-\u9fff]/.test(issue.message)) return issue.message;
      return issue.format === 'datetime' || issue.format === 'date' ? '不是有效的时间 / not a valid time' : `格式不对（应为 ${issue.format}）/ wrong format (${issue.format})`;
    case 'not_multiple_of':
      return `必须是 ${shown(issue.divisor)} 的倍数 / must be a multiple of ${shown(issue.divisor)}`;
    default:
      return messageReason(issue.message);
  }
}

/** A checker's English message as 中文 / English (a message this module does not know keeps a Chinese head). */
export function messageReason(message: string): string {
  if (/[\u4e00-\u9fff]/.test(message)) return message;
  for (const [pattern, zh] of RULES) {
    const m = pattern.exec(message);
    if (m) return `${zh(m)} / ${message}`;
  }
  return `不符合要求 / ${message}`;
}

const pathOf = (path: readonly PropertyKey[]) => path.map(String).join('.');
const valueAt = (input: unknown, path: readonly PropertyKey[]): unknown =>
  path.reduce<unknown>((at, key) => (at !== null && typeof at === 'object' ? (at as Record<PropertyKey, unknown>)[key] : undefined), input);

/**
 * The reasons of a refused row, one per path: from the zod issues of the kind's own schema when
 * it refuses the input, else (placing, canteen) from the checker's messages. Made once per import.
 */
export function rowReasoner(kind: ImportKind, clock: () => number = Date.now) {
  const schema = kind === 'incidents' ? makeIncidentImportSchema(clock) : makeFeedSchemas(clock)[kind as FeedKind];
  return (input: Record<string, unknown>, errors: readonly ProblemFieldError[]): ProblemFieldError[] => {
    const parsed = schema.safeParse(input);
    const byPath = new Map<string, Issue>();
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const key = pathOf(issue.path);
        const held = byPath.get(key);
        if (!held || (RANK[issue.code] ?? 9) < (RANK[held.code] ?? 9)) byPath.set(key, issue);
      }
    }
    const out = new Map<string, ProblemFieldError>();
    for (const [path, issue] of byPath) out.set(path, { path, message: issueReason(issue, valueAt(input, issue.path)) });
    for (const e of errors) {
      if (!out.has(e.path)) out.set(e.path, { path: e.path, message: messageReason(e.message) });
    }
    return [...out.values()];
  };
}
