// CITATION.cff is valid Citation File Format 1.2.0 (https://citation-file-format.github.io/), and
// the licence files it points to exist. The schema below states the format's rules for the keys
// this project uses, from the CFF 1.2.0 specification and its schema.json
// (github.com/citation-file-format/citation-file-format, tag 1.2.0): the four required root keys,
// no unknown root keys, persons/entities as authors, the DOI and date patterns.
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = new URL('..', import.meta.url).pathname;

const nonEmpty = { type: 'string', minLength: 1 } as const;
const doi = {
  type: 'string',
  pattern: '^10\\.\\d{4,9}(\\.\\d+)?/[A-Za-z0-9:/_;\\-\\.\\(\\)\\[\\]\\\\]+$',
};
const url = { type: 'string', pattern: '^(https|http|ftp|sftp)://.+' };
const date = { type: 'string', pattern: '^[0-9]{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])$' };
const person = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: Object.fromEntries(
    [
      'family-names',
      'given-names',
      'name-particle',
      'name-suffix',
      'affiliation',
      'alias',
      'email',
      'orcid',
      'website',
      'address',
      'city',
      'country',
    ].map((k) => [k, nonEmpty]),
  ),
};
const entity = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: Object.fromEntries(
    ['name', 'alias', 'email', 'orcid', 'website', 'address', 'city', 'country', 'location'].map(
      (k) => [k, nonEmpty],
    ),
  ),
};
const authors = { type: 'array', minItems: 1, items: { anyOf: [entity, person] } };
const license = { type: 'string', pattern: '^[A-Za-z0-9.+-]+$' };
const reference = {
  type: 'object',
  required: ['authors', 'title', 'type'],
  properties: {
    authors,
    title: nonEmpty,
    type: { enum: ['article', 'conference-paper', 'book', 'software', 'proceedings', 'generic'] },
    doi,
    url,
    year: { type: 'integer' },
  },
};

/** The CFF 1.2.0 root object, restricted to the rules above. */
const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['authors', 'cff-version', 'message', 'title'],
  properties: {
    abstract: nonEmpty,
    authors,
    'cff-version': { type: 'string', pattern: '^1\\.2\\.0$' },
    commit: nonEmpty,
    contact: authors,
    'date-released': date,
    doi,
    identifiers: { type: 'array' },
    keywords: { type: 'array', minItems: 1, items: nonEmpty },
    license: { anyOf: [license, { type: 'array', minItems: 1, items: license }] },
    'license-url': url,
    message: nonEmpty,
    'preferred-citation': reference,
    references: { type: 'array', items: reference },
    repository: url,
    'repository-artifact': url,
    'repository-code': url,
    title: nonEmpty,
    type: { enum: ['dataset', 'software'] },
    url,
    version: { anyOf: [nonEmpty, { type: 'number' }] },
  },
};

const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
const cff = () => parse(readFileSync(`${root}CITATION.cff`, 'utf8')) as Record<string, unknown>;

describe('CITATION.cff', () => {
  it('is valid CFF 1.2.0', () => {
    const ok = validate(cff());
    expect(validate.errors ?? [], JSON.stringify(validate.errors)).toEqual([]);
    expect(ok).toBe(true);
  });

  it('matches package.json: version and code licence', () => {
    const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));
    expect(String(cff().version)).toBe(pkg.version);
    expect(cff().license).toBe(pkg.license);
    expect(readFileSync(`${root}LICENSE`, 'utf8')).toMatch(/^MIT License/);
    expect(readFileSync(`${root}LICENSE-CONTENT`, 'utf8')).toContain('CC BY 4.0');
  });

  it('cites Benna & Fusi 2016 by its DOI', () => {
    const refs = cff().references as { doi?: string }[];
    expect(refs.map((r) => r.doi)).toContain('10.1038/nn.4401');
  });

  it('the validator rejects a file without a title, an unknown key or a bad DOI', () => {
    const { title: _dropped, ...noTitle } = cff();
    expect(validate(noTitle)).toBe(false);
    expect(validate({ ...cff(), cff_version: '1.2.0' })).toBe(false);
    expect(validate({ ...cff(), doi: 'https://doi.org/10.1038/nn.4401' })).toBe(false);
    expect(validate({ ...cff(), 'cff-version': '1.1.0' })).toBe(false);
  });
});
