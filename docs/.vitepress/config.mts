import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type DefaultTheme } from 'vitepress';

const docsRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const apiRoot = join(docsRoot, 'api');

/** Markdown files under `dir`, sorted, as site paths without the extension. */
function markdownPages(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const pages: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) pages.push(...markdownPages(path));
    else if (name.endsWith('.md')) pages.push(`/${relative(docsRoot, path).replace(/\\/g, '/').replace(/\.md$/, '')}`);
  }
  return pages;
}

/**
 * The API sidebar is read from the pages typedoc generated before the build (`pnpm run api`),
 * so it always matches the packages' current exports.
 */
function apiSidebar(): DefaultTheme.SidebarItem[] {
  const pages = markdownPages(apiRoot).filter((p) => p !== '/api/index');
  const label = (page: string): string => {
    const parts = page.replace(/^\/api\//, '').split('/');
    const pkg = `${parts[0]}/${parts[1]}`;
    const entry = parts[2];
    if (entry === undefined) return pkg;
    if (entry === 'index') return `${pkg} (overview)`;
    if (entry === 'index-1') return pkg;
    return `${pkg}/${entry}`;
  };
  // Within a package: the overview (its README), then the main entry, then the others.
  const rank = (page: string): string => {
    const [, , , pkg = '', entry = ''] = page.split('/');
    return `${pkg}\u0000${entry === 'index' ? '0' : entry === 'index-1' ? '1' : entry}`;
  };
  pages.sort((a, b) => (rank(a) < rank(b) ? -1 : rank(a) > rank(b) ? 1 : 0));
  return [{ text: 'Overview', link: '/api/' }, ...pages.map((page) => ({ text: label(page), link: page }))];
}

export default defineConfig({
  title: '@ppo',
  description: 'Composable reinforcement-learning building blocks for TypeScript, centred on PPO, on TensorFlow.js.',
  base: '/ppo/',
  lang: 'en-US',
  lastUpdated: false,
  // Build-time inputs only: nothing on the site is fetched from another host. .generated/ holds
  // the fragments that benchmarks.md includes, not pages.
  srcExclude: ['README.md', 'scripts/**', '.snippets/**', '.screenshots/**', '.generated/**'],
  markdown: { lineNumbers: false },
  // The local search index of the API pages is one large chunk; that is expected.
  // The Playground's and the rollout worker page's Web Workers import the trainer, which Vite splits into chunks: ES module workers.
  vite: { build: { chunkSizeWarningLimit: 4000 }, worker: { format: 'es' } },
  themeConfig: {
    nav: [
      { text: 'Guide', link: '/guide/getting-started' },
      { text: 'Tutorials', link: '/tutorials/cartpole' },
      { text: 'API', link: '/api/' },
      { text: 'Playground', link: '/playground/' },
      { text: 'Benchmarks', link: '/benchmarks' },
    ],
    sidebar: [
      {
        text: 'Guide',
        items: [
          { text: 'Getting started', link: '/guide/getting-started' },
          { text: 'Concepts', link: '/guide/concepts' },
          { text: 'Command line', link: '/guide/cli' },
          { text: 'Export a policy', link: '/guide/export' },
          { text: 'Distributed training', link: '/guide/distributed' },
          { text: 'Browser rollout worker', link: '/distributed/worker' },
        ],
      },
      {
        text: 'Tutorials',
        items: [
          { text: '1. Train CartPole', link: '/tutorials/cartpole' },
          { text: '2. Your own environment', link: '/tutorials/custom-env' },
          { text: '3. Reproduce HalfCheetah', link: '/tutorials/halfcheetah' },
          { text: '4. GRPO from the blocks', link: '/tutorials/grpo' },
          { text: '5. A policy in the browser', link: '/tutorials/browser' },
          { text: '6. Compose your own PPO', link: '/tutorials/compose' },
          { text: '7. Action masks and Dict observations', link: '/tutorials/masks-and-dicts' },
          { text: '8. Recurrent policies (LSTM, GRU)', link: '/tutorials/recurrent' },
          { text: 'Demo: CartPole in the browser', link: '/demo/cartpole' },
          { text: 'Playground: train in the browser', link: '/playground/' },
        ],
      },
      { text: 'API reference', collapsed: false, items: apiSidebar() },
      { text: 'Benchmarks', items: [{ text: 'Benchmarks', link: '/benchmarks' }] },
    ],
    search: { provider: 'local' },
    outline: { level: [2, 3] },
  },
});
