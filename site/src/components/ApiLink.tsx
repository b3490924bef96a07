import useBaseUrl from '@docusaurus/useBaseUrl';

/** A link to the TypeDoc HTML that scripts/site-prepare.mjs generates into the static `api/`. */
export default function ApiLink() {
  const href = useBaseUrl('/api/index.html');
  return (
    <p>
      <a className="button button--primary" href={href} data-api-link>
        Open the API reference
      </a>
    </p>
  );
}
