import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// One config: `vite build` builds the renderer into dist/renderer; `vitest run` runs test/unit, test/integration and test/fuzz.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: { outDir: '../dist/renderer', emptyOutDir: true, chunkSizeWarningLimit: 2000 },
  test: {
    root: '.',
    include: ['test/unit/**/*.test.ts', 'test/unit/**/*.test.tsx', 'test/integration/**/*.test.ts', 'test/fuzz/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // vitest's default on 2 cores is one worker (cores - 1); most tests wait on loopback HTTP, so two halve the wall time.
    maxWorkers: 2,
  },
});
