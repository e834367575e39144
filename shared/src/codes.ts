// Closed sets of codes that both ends speak. Each set is one definition, with its names
// in Chinese and English; components and routes use these, never string literals.
import { z } from 'zod';

export interface Named<C extends string = string> {
  code: C;
  zh: string;
  en: string;
}

function codes<const T extends readonly Named[]>(list: T) {
  return list;
}

export const BOARDS = codes([
  { code: 'party', zh: '党的建设', en: 'Party building', colour: '#E0474C' },
  { code: 'economy', zh: '经济发展', en: 'Economic development', colour: '#3FA7FF' },
  { code: 'livelihood', zh: '民生服务', en: 'Livelihood services', colour: '#35C28A' },
  { code: 'safety', zh: '平安法治', en: 'Safety and rule of law', colour: '#F5B236' },
] as const);
export type BoardCode = (typeof BOARDS)[number]['code'];

/** 三事三色: whose matter it is — never how urgent. */
export const COLOURS = codes([
  { code: 'red', zh: '公家事 · 挂号办', en: 'Public matter', colour: '#F0473C', short: '公家事' },
  { code: 'orange', zh: '大家事 · 盯紧办', en: 'Collective matter', colour: '#FF9A2E', short: '大家事' },
  { code: 'yellow', zh: '自家事 · 积极办', en: 'Household matter', colour: '#F7D84A', short: '自家事' },
] as const);
export type IncidentColour = (typeof COLOURS)[number]['code'];

export const URGENCIES = codes([
  { code: 'critical', zh: '特急', en: 'Critical' },
  { code: 'urgent', zh: '紧急', en: 'Urgent' },
  { code: 'normal', zh: '一般', en: 'Normal' },
] as const);
export type Urgency = (typeof URGENCIES)[number]['code'];

export const SOURCES = codes([
  { code: 'grid_patrol', zh: '网格员巡查', en: 'Grid worker patrol' },
  { code: 'resident_app', zh: '居民随手拍', en: 'Resident app' },
  { code: 'new_employment', zh: '新就业群体上报', en: 'Rider / courier report' },
  { code: 'hotline_12345', zh: '12345热线', en: '12345 hotline' },
  { code: 'higher_level', zh: '上级交办', en: 'Assigned from above' },
  { code: 'video_ai', zh: '视频智能识别', en: 'Camera AI' },
  { code: 'iot', zh: '物联感知', en: 'IoT sensor' },
  { code: 'department', zh: '部门推送', en: 'Department' },
  { code: 'deliberation', zh: '议事会/吹哨', en: 'Residents meeting / whistle' },
  { code: 'open311', zh: 'Open311 外部系统', en: 'Open311 system' },
] as const);
export type SourceCode = (typeof SOURCES)[number]['code'];

export const MEAL_TIERS = codes([
  { code: 'elderly_member', zh: '老人社员价', en: 'Older member' },
  { code: 'member', zh: '社员价', en: 'Member' },
  { code: 'public', zh: '普通价', en: 'Regular price' },
] as const);
export type MealTier = (typeof MEAL_TIERS)[number]['code'];

export const MEAL_SLOTS = codes([
  { code: 'breakfast', zh: '早餐', en: 'Breakfast' },
  { code: 'lunch', zh: '午餐', en: 'Lunch' },
  { code: 'dinner', zh: '晚餐', en: 'Dinner' },
] as const);
export type MealSlot = (typeof MEAL_SLOTS)[number]['code'];

export const MEAL_MODES = codes([
  { code: 'dine_in', zh: '堂食', en: 'Dine in' },
  { code: 'delivery', zh: '送餐上门', en: 'Home delivery' },
  { code: 'pickup', zh: '自提', en: 'Pick-up' },
] as const);
export type MealMode = (typeof MEAL_MODES)[number]['code'];

export const ENTITY_TYPES = codes([
  { code: 'enterprise', zh: '企业', en: 'Enterprise' },
  { code: 'individual', zh: '个体工商户', en: 'Individual business', shortEn: 'Individual' },
  { code: 'coop', zh: '农民专业合作社', en: 'Cooperative' },
] as const);
export type EntityType = (typeof ENTITY_TYPES)[number]['code'];

/** GB/T 4754 sections most seen in an urban street. */
export const INDUSTRIES = codes([
  // `short` / `shortEn`: the name on a chart axis, where a side board has room for about 7 characters.
  { code: 'F', zh: '批发和零售', en: 'Wholesale and retail', short: '批发零售', shortEn: 'Wholesale/retail' },
  { code: 'H', zh: '住宿和餐饮', en: 'Hospitality and catering', short: '住宿餐饮', shortEn: 'Hospitality' },
  { code: 'I', zh: '软件和信息技术', en: 'Software and IT', short: '软件信息', shortEn: 'Software & IT' },
  { code: 'J', zh: '金融', en: 'Finance', short: '金融', shortEn: 'Finance' },
  { code: 'L', zh: '租赁和商务服务', en: 'Leasing and business services', short: '租赁商务', shortEn: 'Business svc' },
  { code: 'M', zh: '科学研究和技术服务', en: 'Research and technical services', short: '科研技术', shortEn: 'R&D svc' },
  { code: 'O', zh: '居民服务', en: 'Residential services', short: '居民服务', shortEn: 'Residential svc' },
  { code: 'Q', zh: '卫生和社会工作', en: 'Health and social work', short: '卫生社工', shortEn: 'Health & social' },
  { code: 'R', zh: '文体娱乐', en: 'Culture, sports, entertainment', short: '文体娱乐', shortEn: 'Culture & sport' },
  { code: 'other', zh: '其他', en: 'Other', short: '其他', shortEn: 'Other' },
] as const);
export type IndustryCode = (typeof INDUSTRIES)[number]['code'];

export const DRILL_LEVELS = codes([
  { code: 'micro_grid', zh: '微网格/楼栋', en: 'Micro-grid / building' },
  { code: 'community', zh: '社区', en: 'Community' },
  { code: 'street', zh: '街道', en: 'Street' },
] as const);
export const DRILL_KINDS = codes([
  { code: 'live_highrise', zh: '高层实战式演练', en: 'Live high-rise drill' },
  { code: 'evacuation', zh: '疏散演练', en: 'Evacuation drill' },
  { code: 'tabletop', zh: '桌面推演', en: 'Tabletop exercise' },
  { code: 'micro_station', zh: '微型消防站拉练', en: 'Micro fire station drill' },
] as const);
export const INSPECTION_KINDS = codes([
  { code: 'carpet', zh: '地毯式排查', en: 'Carpet sweep' },
  { code: 'routine', zh: '日常巡查', en: 'Routine patrol' },
  { code: 'special', zh: '专项整治', en: 'Special campaign' },
] as const);
export const HAZARD_TYPES = codes([
  { code: 'combustible_rain_shed', zh: '可燃雨棚', en: 'Combustible rain shed' },
  { code: 'protective_net', zh: '外墙防护网', en: 'Protective net' },
  { code: 'blocked_fire_lane', zh: '堵塞消防通道', en: 'Blocked fire lane' },
  { code: 'ebike_indoor_charging', zh: '电动车违规充电', en: 'E-bike indoor charging' },
  { code: 'fire_equipment_fault', zh: '消防设施损坏', en: 'Fire equipment fault' },
  { code: 'gas', zh: '燃气隐患', en: 'Gas hazard' },
  { code: 'wiring', zh: '电气线路', en: 'Wiring' },
  { code: 'sundries_in_stairwell', zh: '楼道杂物', en: 'Sundries in stairwell' },
] as const);

export const ALARM_DEVICES = codes([
  { code: 'smoke', zh: '智能烟感', en: 'Smoke detector' },
  { code: 'gas', zh: '燃气报警', en: 'Gas detector' },
  { code: 'bracelet', zh: '智能手环', en: 'Elderly bracelet' },
] as const);
export type AlarmDevice = (typeof ALARM_DEVICES)[number]['code'];
export const ALARM_TYPES = codes([
  { code: 'smoke', zh: '烟雾报警', en: 'Smoke' },
  { code: 'gas_leak', zh: '燃气泄漏', en: 'Gas leak' },
  { code: 'sos', zh: '一键呼救', en: 'SOS' },
  { code: 'fall', zh: '跌倒', en: 'Fall' },
  { code: 'abnormal_hr', zh: '心率异常', en: 'Abnormal heart rate' },
  { code: 'low_battery', zh: '低电量', en: 'Low battery' },
  { code: 'offline', zh: '离线', en: 'Offline' },
  { code: 'test', zh: '测试', en: 'Test' },
] as const);
export type AlarmType = (typeof ALARM_TYPES)[number]['code'];
export const ALARM_OUTCOMES = codes([
  { code: 'real_fire', zh: '真实火情', en: 'Real fire' },
  { code: 'real_emergency', zh: '真实求助', en: 'Real emergency' },
  { code: 'cooking_smoke', zh: '烹饪油烟误报', en: 'Cooking smoke' },
  { code: 'device_false', zh: '设备误报', en: 'Device false alarm' },
  { code: 'test', zh: '测试', en: 'Test' },
  { code: 'no_answer_visited', zh: '上门核实无异常', en: 'Visited, nothing wrong' },
] as const);

export const VOLUNTEER_CATEGORIES = codes([
  // shortEn: in a donut's legend beside the ring.
  { code: 'party_leadership', zh: '党建统领', en: 'Party leadership', shortEn: 'Party' },
  { code: 'livelihood', zh: '民生服务', en: 'Livelihood' },
  { code: 'city_mgmt', zh: '城市管理', en: 'City management', shortEn: 'City mgmt' },
  { code: 'safety_stability', zh: '平安稳定', en: 'Safety and stability', shortEn: 'Safety' },
  { code: 'economy', zh: '经济发展', en: 'Economic development', shortEn: 'Economy' },
] as const);

/** The board feeds besides incidents: the path segment under /api/v1/. */
export const FEED_KINDS = codes([
  { code: 'fire-drills', zh: '消防演练', en: 'Fire drills' },
  { code: 'hazard-inspections', zh: '隐患排查', en: 'Hazard inspections' },
  { code: 'alarms', zh: '物联告警', en: 'Sensor alarms' },
  { code: 'canteen-meals', zh: '助餐记录', en: 'Canteen meals' },
  { code: 'market-entities', zh: '市场主体', en: 'Market entities' },
  { code: 'volunteer-activities', zh: '志愿活动', en: 'Volunteer activities' },
] as const);
export type FeedKind = (typeof FEED_KINDS)[number]['code'];

type CodeTuple<T extends readonly Named[]> = [T[number]['code'], ...T[number]['code'][]];

/** A zod enum over a code list, so an unknown code fails validation naming the field. */
export function codeEnum<const T extends readonly Named[]>(list: T) {
  return z.enum(list.map((item) => item.code) as CodeTuple<T>);
}

export function nameOf(list: readonly Named[], code: string, lang: 'zh' | 'en' = 'zh'): string {
  const item = list.find((entry) => entry.code === code);
  return item ? item[lang] : code;
}

/** The short name of a code where the list has one (`short` in Chinese, `shortEn`), else its name. */
export function shortNameOf(list: readonly (Named & { short?: string; shortEn?: string })[], code: string, lang: 'zh' | 'en' = 'zh'): string {
  const item = list.find((entry) => entry.code === code);
  if (!item) return code;
  return (lang === 'zh' ? item.short : item.shortEn) ?? item[lang];
}
