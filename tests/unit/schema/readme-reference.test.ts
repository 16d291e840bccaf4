// The README's config reference is checked against the config's JSON Schema: every key the schema
// knows has its row in the table, and every row names a key the schema knows.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

interface SchemaNode {
  $ref?: string;
  properties?: Record<string, SchemaNode>;
  definitions?: Record<string, SchemaNode>;
}

const schema = JSON.parse(readFileSync(new URL('../../../schema/token-broker.schema.json', import.meta.url), 'utf8')) as SchemaNode;
const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

/**
 * Every key of a config mode, dotted. An object of several keys (refresh, expiredWhen) has a row
 * per key; a one-key object (accessExpiry: { cookie }) is one row, its shape written out there.
 */
function keysOf(node: SchemaNode, prefix = ''): string[] {
  return Object.entries(node.properties ?? {}).flatMap(([name, child]) => {
    // A top-level key every mode shares is a reference to its one definition; deeper references
    // (a jsonField's shape) stay one row, as written out there.
    const own = prefix === '' ? resolved(child) : child;
    return Object.keys(own.properties ?? {}).length > 1 ? keysOf(own, `${prefix}${name}.`) : [`${prefix}${name}`];
  });
}

function resolved(node: SchemaNode): SchemaNode {
  const name = node.$ref?.match(/^#\/definitions\/(.+)$/)?.[1];
  return name === undefined ? node : resolved(schema.definitions?.[name] ?? {});
}

function referenceKeys(): string[] {
  const start = readme.indexOf('\n## Config reference\n');
  const end = readme.indexOf('\n#', start + 1);
  expect(start).toBeGreaterThan(0);
  return [...readme.slice(start, end).matchAll(/^\| `([^`]+)` \|/gm)].map((match) => match[1]!);
}

describe('the README\'s config reference', () => {
  it('has a row for every key of the schema, and no row the schema does not know', () => {
    const schemaKeys = Object.values(schema.definitions ?? {}).filter((mode) => mode.properties?.api).flatMap((mode) => keysOf(mode));
    expect(schemaKeys.length).toBeGreaterThan(15);
    expect(referenceKeys().sort()).toEqual([...new Set(schemaKeys)].sort());
  });
});
