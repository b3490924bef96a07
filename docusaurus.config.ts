// The tutorial site. Content lives in site/; this file sits at the root so that `@site/src/...`
// reaches the library's own TypeScript, which the figures import (no copy of the math).
import type * as Preset from '@docusaurus/preset-classic';
import type { Config, LoadContext, Plugin } from '@docusaurus/types';
import rehypeKatex from 'rehype-katex';
import remarkMath from 'remark-math';

/** Published under a sub-path (GitHub Pages) by setting BASE_URL=/repo-name/ at build time. */
const baseUrl = (() => {
  const raw = process.env.BASE_URL ?? '/';
  const withLead = raw.startsWith('/') ? raw : `/${raw}`;
  return withLead.endsWith('/') ? withLead : `${withLead}/`;
})();

/**
 * Two webpack adjustments. The library is written for NodeNext, so its relative imports say
 * `./x.js` for `./x.ts`; webpack resolves that only with `extensionAlias`.
 */
function webpackFixes({ generatedFilesDir }: LoadContext): Plugin {
  return {
    name: 'webpack-fixes',
    configureWebpack() {
      return {
        resolve: { extensionAlias: { '.js': ['.ts', '.tsx', '.js'], '.mjs': ['.mts', '.mjs'] } },
        module: {
          // package.json says "type": "module", which makes webpack parse Docusaurus's generated
          // .docusaurus/*.js as strict ESM and leave react-loadable's require.resolveWeak()
          // unresolved ("require.resolveWeak is not a function" at SSG). They are not ESM-only.
          rules: [{ test: /\.js$/, include: [generatedFilesDir], type: 'javascript/auto' }],
        },
      };
    },
  };
}

const config: Config = {
  title: 'Multiscale optimizer',
  tagline:
    'Every weight as a sum of parts that learn and forget at different timescales: multiscale, fast weights, Benna–Fusi synapses and momentum as one linear system.',
  url: process.env.SITE_URL ?? 'http://localhost',
  baseUrl,
  favicon: 'img/favicon.svg',
  onBrokenLinks: 'throw',
  onBrokenAnchors: 'throw',
  markdown: { hooks: { onBrokenMarkdownLinks: 'throw' } },
  // GitHub Pages serves /page from page.html and /dir/ from dir/index.html, and a folder wins over
  // page.html: so no page may share its name with a static folder (test/site/routes.spec.ts).
  trailingSlash: false,
  i18n: { defaultLocale: 'en', locales: ['en'] },
  // Generated at build time by scripts/site-prepare.mjs: API reference, notebooks, tfjs .wasm.
  staticDirectories: ['site/static', 'build/site-static'],
  themes: [
    [
      // Local, offline search: a lunr index built at build time, no third-party service.
      '@easyops-cn/docusaurus-search-local',
      {
        hashed: true,
        indexDocs: true,
        indexPages: true,
        indexBlog: false,
        docsRouteBasePath: '/',
        docsDir: 'site/docs',
        explicitSearchResultPath: true,
        searchResultLimits: 10,
      },
    ],
  ],
  presets: [
    [
      'classic',
      {
        docs: {
          path: 'site/docs',
          routeBasePath: '/',
          sidebarPath: './sidebars.ts',
          remarkPlugins: [remarkMath],
          rehypePlugins: [rehypeKatex],
        },
        blog: false,
        pages: { path: 'site/src/pages' },
        theme: { customCss: './site/src/css/custom.css' },
      } satisfies Preset.Options,
    ],
  ],
  plugins: [
    webpackFixes,
    [
      // build/site-pages/: docs scripts/site-prepare.mjs generates (api-symbols, from TypeDoc).
      // A docs instance, not pages: the search plugin indexes only docs when docs live at '/'.
      '@docusaurus/plugin-content-docs',
      {
        id: 'generated',
        path: 'build/site-pages',
        routeBasePath: 'reference',
        sidebarPath: false,
        remarkPlugins: [remarkMath],
        rehypePlugins: [rehypeKatex],
      },
    ],
  ],
  themeConfig: {
    image: 'img/social-card.png',
    metadata: [
      {
        name: 'keywords',
        content: 'multiscale optimizer, fast weights, Benna-Fusi, TensorFlow.js',
      },
    ],
    colorMode: { respectPrefersColorScheme: true },
    navbar: {
      title: 'Multiscale optimizer',
      items: [
        { type: 'docSidebar', sidebarId: 'tutorial', position: 'left', label: 'Tutorial' },
        {
          label: 'API',
          position: 'left',
          items: [
            { to: '/api-reference', label: 'Overview' },
            { to: '/reference/api-symbols', label: 'All symbols' },
          ],
        },
        { to: '/notebooks', label: 'Notebooks', position: 'left' },
      ],
    },
    footer: {
      style: 'dark',
      copyright:
        'Code: MIT licence. Text, notebooks and figures: CC BY 4.0 (reuse them with credit). Figures are computed in your browser by the library itself.',
    },
  } satisfies Preset.ThemeConfig,
};

export default config;
