// Two builds from one config (the Chatwoot split, STYLE.md example 3):
//  1. the chat UI: an ES module with a content-hashed name (cached for a year), plus its chunks;
//  2. then, once the UI's name is known, the loader `/widget.js`: one classic IIFE script that
//     imports that name lazily. The loader stays tiny because it only boots the rest.
// `npm run build:widget` runs `vite build --config widget/vite.config.ts`.
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { build, defineConfig, type Plugin } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));
const outDir = resolve(here, 'dist');
const ASSETS = 'widget/assets';

const shared = {
  // The UI and loader must not depend on the page's environment or on a Node global.
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  logLevel: 'warn' as const,
};

function buildLoaderAfterUi(): Plugin {
  let uiFile = '';
  return {
    name: 'livechat-loader',
    apply: 'build',
    generateBundle(_options, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type === 'chunk' && chunk.isEntry && chunk.name === 'ui') uiFile = chunk.fileName;
      }
    },
    async closeBundle() {
      if (!uiFile) throw new Error('livechat: the UI entry was not emitted');
      await build({
        ...shared,
        configFile: false,
        root: here,
        publicDir: false,
        define: {
          ...shared.define,
          // Relative to /widget.js, so the chunk comes from wherever the loader came from.
          __LIVECHAT_UI__: JSON.stringify(`./${uiFile}`),
        },
        build: {
          outDir,
          emptyOutDir: false,
          target: 'es2020',
          minify: true,
          reportCompressedSize: false,
          lib: {
            entry: resolve(here, 'src/loader/loader.ts'),
            formats: ['iife'],
            name: 'LiveChatLoader',
            fileName: () => 'widget.js',
          },
        },
      });
    },
  };
}

export default defineConfig({
  ...shared,
  root: here,
  publicDir: resolve(here, 'public'),
  plugins: [buildLoaderAfterUi()],
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2020',
    minify: true,
    modulePreload: false,
    reportCompressedSize: true,
    lib: {
      entry: { ui: resolve(here, 'src/ui/index.ts') },
      formats: ['es'],
    },
    rolldownOptions: {
      output: {
        entryFileNames: `${ASSETS}/[name]-[hash].js`,
        chunkFileNames: `${ASSETS}/[name]-[hash].js`,
        // Lib mode keeps ES output readable by default; this is shipped to browsers, so minify.
        minify: true,
      },
    },
  },
});
