// Incident categories with their board, default matter colour and time targets
// (domain.md §3.2; every figure here is a configurable default, not a rule from the field).
import { codeEnum, type BoardCode, type IncidentColour, type Urgency } from './codes.ts';

/** Minutes allowed from report to each stage; null where the stage does not apply. */
export interface TimeTargets {
  acceptMin: number;
  arriveMin: number | null;
  handleMin: number;
  closeMin: number;
}

const HOUR = 60;
const DAY = 24 * HOUR;

export const SLA_PROFILES = [
  { code: 'rapid_1_5_10', zh: '一五一十 快反快处', en: 'Rapid 1/5/10', targets: { acceptMin: 1, arriveMin: 5, handleMin: 10, closeMin: DAY } },
  { code: 'urgent', zh: '紧急', en: 'Urgent', targets: { acceptMin: 10, arriveMin: 30, handleMin: 4 * HOUR, closeMin: DAY } },
  { code: 'normal_simple', zh: '当日销号', en: 'Same-day', targets: { acceptMin: 2 * HOUR, arriveMin: null, handleMin: 12 * HOUR, closeMin: DAY } },
  { code: 'normal', zh: '一般', en: 'Normal', targets: { acceptMin: 2 * HOUR, arriveMin: DAY, handleMin: 3 * DAY, closeMin: 3 * DAY } },
  { code: 'complex', zh: '复杂', en: 'Complex', targets: { acceptMin: DAY, arriveMin: null, handleMin: 7 * DAY, closeMin: 15 * DAY } },
] as const satisfies readonly { code: string; zh: string; en: string; targets: TimeTargets }[];
export type SlaProfileCode = (typeof SLA_PROFILES)[number]['code'];

interface CategoryDef {
  code: string;
  zh: string;
  en: string;
  board: BoardCode;
  colour: IncidentColour;
  /** Profile used for `normal` urgency; critical and urgent use their own profiles. */
  normalProfile: SlaProfileCode;
  examples: readonly string[];
}

export const CATEGORIES = [
  { code: 'city_mgmt', zh: '城市管理', en: 'City management', board: 'safety', colour: 'red', normalProfile: 'normal_simple', examples: ['占道经营', '乱丢烟头/垃圾', '乱停车', '违章搭建', '市政设施损坏'] },
  { code: 'safety_hazard', zh: '安全隐患', en: 'Safety hazard', board: 'safety', colour: 'red', normalProfile: 'normal', examples: ['消防通道堵塞', '电动车违规充电', '可燃雨棚', '燃气隐患', '高空坠物'] },
  { code: 'dispute', zh: '矛盾纠纷', en: 'Dispute', board: 'safety', colour: 'orange', normalProfile: 'complex', examples: ['邻里纠纷', '物业纠纷', '劳资纠纷', '家庭纠纷'] },
  { code: 'public_order', zh: '治安稳定', en: 'Public order', board: 'safety', colour: 'red', normalProfile: 'normal', examples: ['可疑人员', '群体聚集'] },
  { code: 'livelihood', zh: '民生诉求', en: 'Livelihood request', board: 'livelihood', colour: 'yellow', normalProfile: 'normal', examples: ['困难救助', '独居老人关爱', '助餐', '就业'] },
  { code: 'environment', zh: '生态环保', en: 'Environment', board: 'livelihood', colour: 'orange', normalProfile: 'normal', examples: ['噪声', '油烟', '污水'] },
  { code: 'enterprise', zh: '企业诉求', en: 'Enterprise request', board: 'economy', colour: 'orange', normalProfile: 'complex', examples: ['政策咨询', '融资', '用工', '营商环境'] },
  { code: 'party_org', zh: '党建/志愿', en: 'Party / volunteer task', board: 'party', colour: 'yellow', normalProfile: 'normal', examples: ['党员报到', '志愿服务需求'] },
  { code: 'emergency', zh: '突发事件', en: 'Emergency', board: 'safety', colour: 'red', normalProfile: 'urgent', examples: ['火情', '内涝', '地质灾害'] },
] as const satisfies readonly CategoryDef[];
export type CategoryCode = (typeof CATEGORIES)[number]['code'];
export const categorySchema = codeEnum(CATEGORIES);

export function categoryOf(code: CategoryCode): (typeof CATEGORIES)[number] {
  const found = CATEGORIES.find((c) => c.code === code);
  if (!found) throw new RangeError(`unknown category ${code}`);
  return found;
}

export function slaProfileFor(category: CategoryCode, urgency: Urgency): SlaProfileCode {
  if (urgency === 'critical') return 'rapid_1_5_10';
  if (urgency === 'urgent') return 'urgent';
  return categoryOf(category).normalProfile;
}

export function targetsFor(category: CategoryCode, urgency: Urgency): TimeTargets {
  const code = slaProfileFor(category, urgency);
  const profile = SLA_PROFILES.find((p) => p.code === code);
  if (!profile) throw new RangeError(`unknown SLA profile ${code}`);
  return profile.targets;
}

/** When an incident reported at `reportedAt` must be closed, unless it carries its own dueAt. */
export function dueAtFor(category: CategoryCode, urgency: Urgency, reportedAt: string): string {
  const closeMs = targetsFor(category, urgency).closeMin * 60_000;
  return new Date(Date.parse(reportedAt) + closeMs).toISOString();
}
