// An Open311 client for tests, written apart from the server: the community's JSON Schemas
// (ajv) for JSON answers, and a typed XML reader (fast-xml-parser) that turns an XML answer
// back into the object its JSON twin should be.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

const schemaDir = fileURLToPath(new URL('../fixtures/open311/', import.meta.url));

/** The community's GeoReport v2 schemas (tests/fixtures/open311, copied unchanged). */
export function open311Schemas(): Record<'services' | 'serviceDefinition' | 'requests' | 'requestResponse' | 'errors', ValidateFunction> {
  const ajv = new Ajv({ allErrors: true, strict: false });
  (addFormats as unknown as (a: Ajv) => void)(ajv);
  // Swagger 2's "uid" format names an identifier and constrains nothing.
  ajv.addFormat('uid', true);
  const read = (file: string) => JSON.parse(readFileSync(path.join(schemaDir, file), 'utf8')) as Record<string, unknown>;
  for (const file of ['request.json', 'service.json']) ajv.addSchema(read(file), file);
  const swagger = read('swagger.json') as { definitions: Record<string, unknown> };
  return {
    services: ajv.compile(read('services.json')),
    serviceDefinition: ajv.compile(read('service-definition.json')),
    requests: ajv.compile(read('requests.json')),
    requestResponse: ajv.compile({ type: 'array', minItems: 1, maxItems: 1, items: swagger.definitions.RequestResponse }),
    // The spec's error list (no community schema): [{code: integer, description: string}].
    errors: ajv.compile({
      type: 'array', minItems: 1,
      items: { type: 'object', required: ['code', 'description'], additionalProperties: false, properties: { code: { type: 'integer' }, description: { type: 'string', minLength: 1 } } },
    }),
  };
}

// Element names that hold a list, and what the spec calls each item.
const LISTS: Record<string, string> = {
  services: 'service', service_requests: 'request', errors: 'error', endpoints: 'endpoint', formats: 'format',
  attributes: 'attribute', values: 'value',
};
const BOOLEANS = new Set(['metadata', 'variable', 'required']);
const NUMBERS = new Set(['lat', 'long', 'order', 'code']);

function typed(key: string, value: unknown, parent: string): unknown {
  if (LISTS[key] !== undefined) {
    if (value === '' || value === undefined || value === null) return [];
    const items = (value as Record<string, unknown>)[LISTS[key] as string];
    const list = Array.isArray(items) ? items : items === undefined ? [] : [items];
    return list.map((item) => typed(LISTS[key] as string, item, key));
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typed(k, v, key)]));
  }
  const text = value as string;
  if (text === '') return null;
  if (BOOLEANS.has(key)) {
    if (text !== 'true' && text !== 'false') throw new Error(`<${key}> is "${text}", not a boolean`);
    return text === 'true';
  }
  // An error's <code> is a number; a service's or attribute's <code> is text.
  if (NUMBERS.has(key) && !(key === 'code' && parent !== 'error')) {
    const n = Number(text);
    if (!Number.isFinite(n)) throw new Error(`<${key}> is "${text}", not a number`);
    return n;
  }
  return text;
}

/**
 * Parses an Open311 XML answer (which must be well-formed, with the XML declaration) and
 * returns the value under its root element, typed as the JSON answer would be.
 */
export function readOpen311Xml(xml: string, root: string): unknown {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`not well-formed XML: ${JSON.stringify(valid.err)}`);
  if (!xml.startsWith('<?xml version="1.0" encoding="utf-8"?>')) throw new Error('no XML declaration');
  const parsed = new XMLParser({ parseTagValue: false, ignoreDeclaration: true, trimValues: true }).parse(xml) as Record<string, unknown>;
  const keys = Object.keys(parsed);
  if (keys.length !== 1 || keys[0] !== root) throw new Error(`root element is ${keys.join(', ')}, expected ${root}`);
  return typed(root, parsed[root], '');
}

/** A form body as Open311 clients send it. */
export function form(fields: Record<string, string | undefined>): { body: string; headers: Record<string, string> } {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) params.append(k, v);
  return { body: params.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' } };
}
