import { startVersionBackend, type VersionBackend } from './version-backend.ts';

/** The body every backend response carries, so a test can tell the backend answered (not Envoy). */
export const BACKEND_BODY = 'backend ok';

export type HttpBackend = Pick<VersionBackend, 'port' | 'requests' | 'stop'>;

/** A tiny HTTP server on 127.0.0.1 (kernel-chosen port) answering every request 200 `BACKEND_BODY`. */
export function startHttpBackend(): Promise<HttpBackend> {
  return startVersionBackend('127.0.0.1', BACKEND_BODY);
}
