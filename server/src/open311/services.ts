// The Open311 service list and service definitions, written from the shared taxonomy: one
// service per incident category (`service_code` = category code, `group` = its board).
import { BOARDS, CATEGORIES, URGENCIES, type CategoryCode } from '@grid141/shared';

export type Lang = 'zh' | 'en';

/** GeoReport v2 "service" (GET services.{format}). */
export interface Open311Service {
  service_code: string;
  service_name: string;
  description: string;
  metadata: boolean;
  type: 'realtime';
  keywords: string;
  group: string;
  [key: string]: string | boolean;
}

export interface Open311AttributeValue {
  key: string;
  name: string;
  [key: string]: string;
}

/** GeoReport v2 service definition attribute (GET services/{code}.{format}). */
export interface Open311Attribute {
  variable: boolean;
  code: string;
  datatype: 'string' | 'singlevaluelist';
  required: boolean;
  datatype_description: string | null;
  order: number;
  description: string;
  /** Only on list datatypes. */
  values?: Open311AttributeValue[];
  [key: string]: string | boolean | number | null | Open311AttributeValue[] | undefined;
}

/** The attribute codes Grid141 reads from `attribute[code]=…` on POST requests. */
export const ATTRIBUTE_CODES = ['urgency', 'subcategory', 'address_detail'] as const;
export type AttributeCode = (typeof ATTRIBUTE_CODES)[number];
export const ADDRESS_DETAIL_MAX = 100;

export function findCategory(code: string): (typeof CATEGORIES)[number] | undefined {
  return CATEGORIES.find((c) => c.code === code);
}

export function serviceName(code: CategoryCode, lang: Lang): string {
  const category = findCategory(code);
  return category ? category[lang] : code;
}

export function services(lang: Lang): Open311Service[] {
  return CATEGORIES.map((c) => {
    const board = BOARDS.find((b) => b.code === c.board);
    return {
      service_code: c.code,
      service_name: c[lang],
      description: lang === 'zh' ? `${c.zh}，例如：${c.examples.join('、')}` : `${c.en}, e.g. ${c.examples.join(', ')}`,
      // Every service has a definition (urgency, kind, address detail).
      metadata: true,
      type: 'realtime',
      keywords: c.examples.join(','),
      group: board ? board[lang] : c.board,
    };
  });
}

export function serviceDefinition(code: CategoryCode, lang: Lang): { service_code: string; attributes: Open311Attribute[] } {
  const category = findCategory(code);
  const examples: readonly string[] = category ? category.examples : [];
  const zh = lang === 'zh';
  return {
    service_code: code,
    attributes: [
      {
        variable: true,
        code: 'urgency',
        datatype: 'singlevaluelist',
        required: false,
        datatype_description: zh ? '不填为“一般”' : 'normal when left out',
        order: 1,
        description: zh ? '紧急程度' : 'Urgency',
        values: URGENCIES.map((u) => ({ key: u.code, name: u[lang] })),
      },
      {
        variable: true,
        code: 'subcategory',
        datatype: 'singlevaluelist',
        required: false,
        datatype_description: null,
        order: 2,
        description: zh ? '事项小类' : 'Kind of matter',
        values: examples.map((e) => ({ key: e, name: e })),
      },
      {
        variable: true,
        code: 'address_detail',
        datatype: 'string',
        required: false,
        datatype_description: zh ? `至多 ${ADDRESS_DETAIL_MAX} 字` : `at most ${ADDRESS_DETAIL_MAX} characters`,
        order: 3,
        description: zh ? '楼栋、单元、门牌或附近标志物' : 'Building, entrance, door number or a nearby landmark',
      },
    ],
  };
}
