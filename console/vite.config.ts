import { defineConfig } from 'vite';
import solid from 'vite-plugin-solid';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [solid()],
  build: {
    outDir: 'dist', emptyOutDir: true, target: 'es2022',
    rolldownOptions: {
      // The console imports value lists (statuses, priorities…) from hub/contracts/model.ts, which
      // also builds zod schemas at module level. Those calls are pure: let them be shaken out, so
      // the bundle carries the lists, not zod.
      treeshake: { manualPureFunctions: ['z'] },
    },
  },
  server: { proxy: { '/api': 'http://localhost:3000' } },
});
