/**
 * Reading and steering Switchyard in a live cluster with the user's own credentials: what the
 * `kubectl switchyard` plugin and the local dashboard share.
 *
 * - router-view: the RouterView model (pure) of a Router, its filter chain, walk and step;
 * - read-routers: one-shot reads (readRouterViews) and clusterErrorMessage for people;
 * - watch-routers: RouterWatch, list+watch of Routers and IstioFilters calling back on change;
 * - progression-command: promote / abort / pause / resume through the command annotation;
 * - live-plan: the make-before-break plan against the live objects.
 */
export * from './router-view.ts';
export * from './read-routers.ts';
export * from './watch-routers.ts';
export * from './progression-command.ts';
export * from './live-plan.ts';
export { DESTINATION_RULE, ISTIO_FILTER, RATE_LIMIT, ROUTER, SERVICE, VIRTUAL_SERVICE, resourcePath } from './kinds.ts';
