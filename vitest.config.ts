import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**'],
    // Builds etcd/kube-apiserver once (no-op when cached) before any worker starts a control plane.
    globalSetup: ['test/support/global-setup.ts'],
    // Integration tests start real servers (Redis, Envoy, kube-apiserver); give them room.
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
