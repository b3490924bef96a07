// One sidebar that follows the course notebooks in order.
import type { SidebarsConfig } from '@docusaurus/plugin-content-docs';

const sidebars: SidebarsConfig = {
  tutorial: [
    'overview',
    'multiscale-optimizer',
    'benna-fusi',
    'momentum',
    'forgetting-curves',
    'learning-under-drift',
    'notebooks',
    'api-reference',
  ],
};

export default sidebars;
