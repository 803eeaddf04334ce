import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The app is served from the repo root; bundled scenes under scenes/ are copied as static files
// by the scene plugin so the app works offline on first start.
export default defineConfig({
  plugins: [react()],
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
});
