// One answer, two formats: Open311 GeoReport v2 serves XML (required by the spec) and JSON
// (optional). Both are written from the same plain object, so they match field for field.
import type { Response } from 'express';
import { XMLBuilder } from 'fast-xml-parser';

export type Open311Format = 'json' | 'xml';

/** The spec's error item: `[{code, description}]` in JSON, `<errors><error>…` in XML. */
export interface Open311Error {
  code: number;
  description: string;
}

/** Thrown by the Open311 routes; the router's error handler answers it as the spec's error list. */
export class Open311Failure extends Error {
  constructor(
    readonly status: number,
    readonly errors: Open311Error[],
  ) {
    super(errors.map((e) => e.description).join('; '));
    this.name = 'Open311Failure';
  }

  static of(status: number, description: string): Open311Failure {
    return new Open311Failure(status, [{ code: status, description }]);
  }
}

/** What each list is called and what its items are called in XML (the spec's element names). */
const ITEM_TAG: Record<string, string> = {
  endpoints: 'endpoint',
  formats: 'format',
  attributes: 'attribute',
  values: 'value',
};

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

// XML 1.0 allows no C0 control characters but tab, newline and carriage return.
// eslint-disable-next-line no-control-regex
const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

function toXmlTree(value: Json): unknown {
  if (value === null) return null;
  if (typeof value === 'string') return value.replace(XML_FORBIDDEN, '\uFFFD');
  if (typeof value !== 'object') return String(value);
  if (Array.isArray(value)) throw new Error('an array must sit under a named list');
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (Array.isArray(v)) {
      const item = ITEM_TAG[key];
      if (!item) throw new Error(`no XML item name for the list ${key}`);
      out[key] = { [item]: v.map(toXmlTree) };
    } else {
      out[key] = toXmlTree(v);
    }
  }
  return out;
}

const builder = new XMLBuilder({ format: true, ignoreAttributes: true, suppressEmptyNode: false });

/**
 * The XML text of an answer: a top-level list becomes `<root><item>…</item>…</root>`, an
 * object becomes `<root>…</root>`; null fields are empty elements (`<status_notes/>`).
 */
export function toXml(value: Json, root: string, item?: string): string {
  let tree: unknown;
  if (Array.isArray(value)) {
    if (!item) throw new Error(`no XML item name for the list ${root}`);
    tree = { [root]: { [item]: value.map(toXmlTree) } };
  } else {
    tree = { [root]: toXmlTree(value) };
  }
  return `<?xml version="1.0" encoding="utf-8"?>\n${builder.build(tree) as string}`;
}

/** Sends `value` as JSON or as the spec's XML under `root` (and `item` for each list element). */
export function sendOpen311(res: Response, format: Open311Format, status: number, value: Json, root: string, item?: string): void {
  res.status(status);
  if (format === 'json') {
    res.type('application/json; charset=utf-8').send(JSON.stringify(value));
    return;
  }
  res.type('text/xml; charset=utf-8').send(toXml(value, root, item));
}

export function sendErrors(res: Response, format: Open311Format, failure: Open311Failure): void {
  sendOpen311(res, format, failure.status, failure.errors as unknown as Json, 'errors', 'error');
}

export type { Json };
