// Every external link on the site, in one place. test/site/routes.spec.ts extracts the external
// links from the built HTML (pages, API reference and readable notebooks) and fails if one is
// missing here or listed here but no longer used: add or remove the line when you add or remove a
// link. Links are compared without a trailing slash or #fragment.
export const EXTERNAL_LINKS: readonly string[] = [];
