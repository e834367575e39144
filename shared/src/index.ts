// First: in a browser zod must be told not to compile code before any schema is made (csp.ts).
import './csp.ts';
export * from './codes.ts';
export * from './common.ts';
export * from './lifecycle.ts';
export * from './taxonomy.ts';
export * from './incident.ts';
export * from './feeds.ts';
export * from './summary.ts';
export * from './delta.ts';
export * from './events.ts';
export * from './problem.ts';
export * from './geo.ts';
export * from './figures/index.ts';
export * from './random.ts';
export * from './wall.ts';
export * from './incident-import.ts';
export * from './desk.ts';
export * from './report/index.ts';
