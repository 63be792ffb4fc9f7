export * from './meta.ts';
export * from './router.ts';
export * from './progression.ts';
export * from './istio-filter.ts';
export * from './rate-limit.ts';
export * from './kinds.ts';
