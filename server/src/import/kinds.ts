// What each import kind's columns are: the API field, its type, the Chinese headers people
// use (docs/import.md lists them), and an example for the template. Code columns take the
// code, its Chinese or English name, or a common synonym.
import {
  CATEGORIES, COLOURS, DRILL_KINDS, DRILL_LEVELS, ENTITY_TYPES, INDUSTRIES, INSPECTION_KINDS, MEAL_MODES, MEAL_SLOTS,
  MEAL_TIERS, SOURCES, STATUSES, URGENCIES, VOLUNTEER_CATEGORIES, type Named,
} from '@grid141/shared';

export const IMPORT_KINDS = [
  'fire-drills', 'hazard-inspections', 'canteen-meals', 'market-entities', 'volunteer-activities', 'incidents',
] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export type FieldType = 'id' | 'text' | 'datetime' | 'number' | 'seconds' | 'code' | 'boolean' | 'lng' | 'lat';

export interface FieldSpec {
  /** The API field (lng and lat make `location`). */
  key: string;
  type: FieldType;
  /** Headers recognised besides the key itself; the first is the template's. */
  headers: readonly string[];
  required?: boolean;
  /** Code columns: the code list, plus synonyms seen in real files. */
  codes?: readonly Named[];
  synonyms?: Readonly<Record<string, string>>;
  example: string | number;
}

export interface KindSpec {
  kind: ImportKind;
  zh: string;
  fields: readonly FieldSpec[];
}

const externalId = (headers: readonly string[]): FieldSpec => ({ key: 'externalId', type: 'id', headers: [...headers, '编号', '序号ID', 'ID'], example: 'A-0001' });
const lng: FieldSpec = { key: 'lng', type: 'lng', headers: ['经度', 'longitude', 'lon', 'x'], example: 106.5134 };
const lat: FieldSpec = { key: 'lat', type: 'lat', headers: ['纬度', 'latitude', 'y'], example: 29.5412 };

export const KINDS: Readonly<Record<ImportKind, KindSpec>> = {
  'fire-drills': {
    kind: 'fire-drills',
    zh: '消防演练',
    fields: [
      externalId(['演练编号']),
      { key: 'occurredAt', type: 'datetime', headers: ['演练日期', '演练时间', '日期'], required: true, example: '2024/3/5 09:30' },
      { key: 'level', type: 'code', headers: ['演练级别', '级别', '层级'], required: true, codes: DRILL_LEVELS,
        synonyms: { 楼栋: 'micro_grid', 微网格: 'micro_grid', 楼栋级: 'micro_grid', 社区级: 'community', 街道级: 'street' }, example: '社区' },
      { key: 'kind', type: 'code', headers: ['演练类型', '类型', '演练形式'], required: true, codes: DRILL_KINDS,
        synonyms: { 实战演练: 'live_highrise', 高层实战: 'live_highrise', 疏散: 'evacuation', 桌面演练: 'tabletop', 微型消防站: 'micro_station' }, example: '疏散演练' },
      { key: 'buildingName', type: 'text', headers: ['演练地点', '地点', '楼栋', '楼栋名称'], example: '石油路1号3栋' },
      { key: 'participants', type: 'number', headers: ['参与人数', '参演人数', '人数'], required: true, example: 80 },
      { key: 'residentsEvacuated', type: 'number', headers: ['疏散人数', '疏散居民数'], example: 60 },
      { key: 'evacuationSeconds', type: 'seconds', headers: ['疏散用时', '疏散时间', '疏散用时秒'], example: 420 },
      { key: 'responseSeconds', type: 'seconds', headers: ['响应时间', '响应用时', '到场用时'], example: 90 },
      { key: 'result', type: 'code', headers: ['演练结果', '结果', '评估'], codes: [
        { code: 'pass', zh: '合格', en: 'pass' }, { code: 'improve', zh: '需改进', en: 'improve' },
      ], synonyms: { 通过: 'pass', 良好: 'pass', 优秀: 'pass', 不合格: 'improve', 待改进: 'improve' }, example: '合格' },
      lng, lat,
    ],
  },
  'hazard-inspections': {
    kind: 'hazard-inspections',
    zh: '隐患排查',
    fields: [
      externalId(['排查编号', '检查编号']),
      { key: 'occurredAt', type: 'datetime', headers: ['排查日期', '检查日期', '排查时间', '日期'], required: true, example: '2024年3月5日' },
      { key: 'kind', type: 'code', headers: ['排查类型', '检查类型', '类型'], required: true, codes: INSPECTION_KINDS,
        synonyms: { 地毯式: 'carpet', 日常: 'routine', 日常检查: 'routine', 专项: 'special', 专项检查: 'special' }, example: '地毯式排查' },
      { key: 'buildingsCovered', type: 'number', headers: ['覆盖楼栋数', '排查楼栋数', '楼栋数'], example: 12 },
      { key: 'hazardsFound', type: 'number', headers: ['隐患数', '发现隐患数', '发现隐患'], required: true, example: 5 },
      { key: 'hazardsRectified', type: 'number', headers: ['已整改', '已整改数', '整改数'], required: true, example: 4 },
      lng, lat,
    ],
  },
  'canteen-meals': {
    kind: 'canteen-meals',
    zh: '助餐记录',
    fields: [
      externalId(['记录编号', '流水号']),
      { key: 'servedAt', type: 'datetime', headers: ['就餐日期', '就餐时间', '日期'], required: true, example: '2024/3/5' },
      { key: 'canteenId', type: 'text', headers: ['食堂', '食堂名称', '助餐点', '食堂编号'], required: true, example: '煤建新村社区食堂' },
      { key: 'tier', type: 'code', headers: ['价格类别', '就餐类别', '类别', '档次'], required: true, codes: MEAL_TIERS,
        synonyms: { 老人: 'elderly_member', 老年人: 'elderly_member', 老年社员: 'elderly_member', 社员: 'member', 普通: 'public', 散客: 'public' }, example: '老人社员价' },
      { key: 'slot', type: 'code', headers: ['餐次', '餐别'], codes: MEAL_SLOTS, synonyms: { 早: 'breakfast', 中: 'lunch', 午: 'lunch', 晚: 'dinner' }, example: '午餐' },
      { key: 'mode', type: 'code', headers: ['就餐方式', '方式'], codes: MEAL_MODES, synonyms: { 送餐: 'delivery', 到店: 'dine_in' }, example: '堂食' },
      { key: 'quantity', type: 'number', headers: ['就餐人数', '人次', '份数', '数量'], example: 35 },
      { key: 'item', type: 'text', headers: ['菜品', '餐品'], example: '豆花饭' },
      { key: 'paidYuan', type: 'number', headers: ['实付金额', '金额', '实收'], example: 5 },
    ],
  },
  'market-entities': {
    kind: 'market-entities',
    zh: '市场主体',
    fields: [
      { key: 'externalId', type: 'id', headers: ['统一社会信用代码', '信用代码', '注册号', '编号'], example: '91500103MA5U0000X1' },
      { key: 'name', type: 'text', headers: ['主体名称', '企业名称', '名称', '字号名称'], required: true, example: '重庆某某餐饮有限公司' },
      { key: 'entityType', type: 'code', headers: ['主体类型', '市场主体类型', '类型'], required: true, codes: ENTITY_TYPES,
        synonyms: { 个体户: 'individual', 个体: 'individual', 公司: 'enterprise', 企业法人: 'enterprise', 合作社: 'coop' }, example: '企业' },
      { key: 'industry', type: 'code', headers: ['行业', '所属行业', '行业门类'], required: true, codes: INDUSTRIES,
        synonyms: { 零售: 'F', 批发: 'F', 餐饮: 'H', 住宿: 'H', 软件: 'I', 信息技术: 'I', 商务服务: 'L', 租赁: 'L', 科技: 'M', 居民服务: 'O', 医疗: 'Q', 卫生: 'Q', 文化: 'R', 娱乐: 'R' }, example: '住宿和餐饮' },
      { key: 'registeredAt', type: 'datetime', headers: ['登记日期', '成立日期', '注册日期'], required: true, example: '2024-03-05' },
      { key: 'deregisteredAt', type: 'datetime', headers: ['注销日期'], example: '' },
      { key: 'buildingName', type: 'text', headers: ['所在楼宇', '楼宇', '楼宇名称'], example: '时代天街A馆' },
      lng, lat,
    ],
  },
  'volunteer-activities': {
    kind: 'volunteer-activities',
    zh: '志愿活动',
    fields: [
      externalId(['活动编号']),
      { key: 'occurredAt', type: 'datetime', headers: ['活动日期', '活动时间', '日期'], required: true, example: '2024/3/5' },
      { key: 'team', type: 'text', headers: ['队伍', '志愿队伍', '服务队'], required: true, example: '石油路红岩志愿服务队' },
      { key: 'teamCategory', type: 'code', headers: ['队伍类别', '服务类别'], codes: VOLUNTEER_CATEGORIES,
        synonyms: { 党建: 'party_leadership', 民生: 'livelihood', 城管: 'city_mgmt', 平安: 'safety_stability', 经济: 'economy' }, example: '民生服务' },
      { key: 'title', type: 'text', headers: ['活动名称', '活动内容', '主题'], example: '敬老助餐' },
      { key: 'hours', type: 'number', headers: ['服务时长', '时长', '服务时长小时'], required: true, example: 3 },
      { key: 'participants', type: 'number', headers: ['参与人数', '人数'], required: true, example: 12 },
      { key: 'points', type: 'number', headers: ['积分', '红岩能量值'], example: 30 },
      lng, lat,
    ],
  },
  incidents: {
    kind: 'incidents',
    zh: '历史事件',
    fields: [
      externalId(['事件编号', '工单号', '工单编号', '案件编号']),
      { key: 'source', type: 'code', headers: ['来源', '事件来源', '上报渠道'], required: true, codes: SOURCES,
        synonyms: { 12345: 'hotline_12345', 热线: 'hotline_12345', 网格员: 'grid_patrol', 巡查: 'grid_patrol', 随手拍: 'resident_app', 居民: 'resident_app', 上级: 'higher_level', 视频: 'video_ai', 物联: 'iot', 部门: 'department' }, example: '网格员巡查' },
      { key: 'category', type: 'code', headers: ['类别', '事件类别', '事件类型', '大类'], required: true, codes: CATEGORIES, example: '城市管理' },
      { key: 'subcategory', type: 'text', headers: ['小类', '子类'], example: '占道经营' },
      { key: 'urgency', type: 'code', headers: ['紧急程度', '紧急度'], codes: URGENCIES, synonyms: { 普通: 'normal', 一般: 'normal', 急: 'urgent' }, example: '一般' },
      { key: 'colour', type: 'code', headers: ['三色', '事项颜色', '颜色'], codes: COLOURS,
        synonyms: { 红: 'red', 红色: 'red', 公家事: 'red', 橙: 'orange', 橙色: 'orange', 大家事: 'orange', 黄: 'yellow', 黄色: 'yellow', 自家事: 'yellow' }, example: '' },
      { key: 'title', type: 'text', headers: ['标题', '事件标题'], example: '石油路口占道经营' },
      { key: 'description', type: 'text', headers: ['描述', '事件描述', '内容', '问题描述'], required: true, example: '早高峰流动摊贩占道' },
      { key: 'address', type: 'text', headers: ['地址', '事发地址', '地点'], example: '石油路1号' },
      lng, lat,
      { key: 'status', type: 'code', headers: ['状态', '办理状态'], codes: STATUSES,
        synonyms: { 办结: 'closed', 已关闭: 'closed', 已结案: 'closed', 结案: 'closed', 受理: 'accepted', 派单: 'dispatched', 已派遣: 'dispatched', 处置中: 'dispatched', 待核查: 'handled', 不受理: 'rejected', 合并: 'merged' }, example: '已办结' },
      { key: 'reportedAt', type: 'datetime', headers: ['上报时间', '上报日期', '发现时间', '受理日期'], required: true, example: '2024/3/5 08:30' },
      { key: 'acceptedAt', type: 'datetime', headers: ['受理时间'], example: '2024/3/5 08:40' },
      { key: 'dispatchedAt', type: 'datetime', headers: ['派单时间', '派遣时间'], example: '2024/3/5 09:00' },
      { key: 'onSiteAt', type: 'datetime', headers: ['到场时间', '到达时间'], example: '' },
      { key: 'handledAt', type: 'datetime', headers: ['处置时间', '处置完成时间'], example: '2024/3/5 11:00' },
      { key: 'closedAt', type: 'datetime', headers: ['办结时间', '结案时间', '关闭时间'], example: '2024/3/5 17:00' },
      { key: 'dueAt', type: 'datetime', headers: ['办理时限', '截止时间', '时限'], example: '2024/3/6 08:30' },
    ],
  },
};

export function isImportKind(value: string): value is ImportKind {
  return (IMPORT_KINDS as readonly string[]).includes(value);
}

/** A header as compared: no spaces, no * marks, no bracketed unit (疏散用时(秒) → 疏散用时), lower case, half-width. */
export function headerKey(text: string): string {
  return text
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[(\[【][^)\]】]*[)\]】]/g, '')
    .replace(/[\s\u3000*]/g, '')
    .toLowerCase();
}

/** Header text (as headerKey) → field, for one kind. */
export function headerIndex(spec: KindSpec): Map<string, FieldSpec> {
  const index = new Map<string, FieldSpec>();
  for (const field of spec.fields) {
    for (const name of [field.key, ...field.headers]) {
      const key = headerKey(name);
      if (!index.has(key)) index.set(key, field);
    }
  }
  return index;
}

/** A code column's lookup: code, Chinese and English names, short names and synonyms, compared as headerKey. */
export function codeIndex(field: FieldSpec): Map<string, string> {
  const index = new Map<string, string>();
  const add = (name: string | undefined, code: string) => {
    if (name) index.set(headerKey(name), code);
  };
  for (const item of field.codes ?? []) {
    const extra = item as Named & { short?: string; shortEn?: string };
    add(item.code, item.code);
    add(item.zh, item.code);
    add(item.en, item.code);
    add(extra.short, item.code);
    add(extra.shortEn, item.code);
  }
  for (const [name, code] of Object.entries(field.synonyms ?? {})) add(name, code);
  return index;
}
