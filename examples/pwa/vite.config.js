import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

export default defineConfig({
  plugins: [
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.js',
      registerType: 'autoUpdate',
      injectRegister: 'script',
      injectManifest: { globPatterns: ['**/*.{js,css,html,svg}'] },
      manifest: { name: 'Orders', short_name: 'Orders', start_url: '/', display: 'standalone', theme_color: '#1f6feb', icons: [] },
    }),
  ],
});
