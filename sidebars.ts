// The site's sidebar: the course in teaching order, then the reference pages.
// Helpers adding a page put its id in its place in the order below (RULES.md, "Shared conventions"):
// Course — overview, syllabus, multiscale-optimizer, benna-fusi, momentum, momentum-closed-loop,
// fast-weights, forgetting-curves, diffusion, learning-under-drift, real-data, linear-optimizers;
// Reference — notation, glossary, problem-set, bibliography, notebooks, api-reference.
import type { SidebarsConfig } from '@docusaurus/plugin-content-docs';

const sidebars: SidebarsConfig = {
  tutorial: [
    {
      type: 'category',
      label: 'Course',
      collapsible: false,
      items: [
        'overview',
        'syllabus',
        'multiscale-optimizer',
        'benna-fusi',
        'momentum',
        'momentum-closed-loop',
        'fast-weights',
        'forgetting-curves',
        'diffusion',
        'learning-under-drift',
        'real-data',
        'linear-optimizers',
      ],
    },
    {
      type: 'category',
      label: 'Reference',
      collapsible: false,
      items: ['notation', 'glossary', 'problem-set', 'bibliography', 'notebooks', 'api-reference'],
    },
  ],
};

export default sidebars;
