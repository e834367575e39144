export * from './week.ts';
export * from './schema.ts';
export * from './figures.ts';
export * from './ranking.ts';
export * from './changes.ts';
export * from './report.ts';
