/**
 * docs/config.md's key reference, generated from the schema's descriptions and defaults, so the
 * documentation cannot drift from what is validated (a test compares the two).
 */
import { ConfigSchema } from './schema.js';

interface Node {
  type?: string;
  entries?: Record<string, Node>;
  wrapped?: Node;
  /** An array's item schema. */
  item?: Node;
  pipe?: Node[];
  default?: unknown;
  description?: string;
  options?: unknown[];
  literal?: unknown;
}

function unwrap(node: Node): { inner: Node; description?: string; optional: boolean; def?: unknown } {
  let description: string | undefined;
  let optional = false;
  let def: unknown;
  let cur: Node | undefined = node;
  for (let guard = 0; cur && guard < 10; guard++) {
    for (const a of cur.pipe ?? []) if (a.type === 'description' && !description) description = a.description;
    if (cur.type === 'optional') {
      optional = true;
      if (def === undefined) def = cur.default;
      cur = cur.wrapped;
      continue;
    }
    break;
  }
  return { inner: cur ?? node, description, optional, def };
}

function typeName(n: Node): string {
  switch (n.type) {
    case 'picklist':
      return (n.options ?? []).map((o) => JSON.stringify(o)).join(' \\| ');
    case 'array':
      return 'list';
    case 'strict_object':
      return 'mapping';
    case 'union': {
      const names = (n.options as Node[]).map((o) => (o.type === 'literal' ? JSON.stringify(o.literal) : o.type === 'picklist' ? 'string' : o.type === 'strict_object' ? 'mapping' : (o.type ?? '')));
      return [...new Set(names)].join(' or ');
    }
    case 'custom':
      return 'string or mapping';
    default:
      return n.type ?? '';
  }
}

/** Markdown table rows `| key | type | default | meaning |` for every key, depth first. */
export function configReference(): string {
  const rows: string[] = ['| key | type | default | meaning |', '|---|---|---|---|'];
  const walk = (entries: Record<string, Node>, prefix: string) => {
    for (const [key, node] of Object.entries(entries)) {
      const { inner, description, optional, def } = unwrap(node);
      const name = prefix + key;
      const shownDefault = !optional ? 'required' : def === undefined || (typeof def === 'object' && def !== null) ? '—' : `\`${JSON.stringify(def)}\``;
      rows.push(`| \`${name}\` | ${typeName(inner)} | ${shownDefault} | ${(description ?? '').replace(/\|/g, '\\|')} |`);
      if (inner.type === 'strict_object' && inner.entries) walk(inner.entries, name + '.');
      // a list of mappings (species): its keys as name[].key
      const item = inner.type === 'array' && inner.item ? unwrap(inner.item).inner : undefined;
      if (item?.type === 'strict_object' && item.entries) walk(item.entries, name + '[].');
    }
  };
  walk((ConfigSchema as unknown as Node).entries!, '');
  return rows.join('\n') + '\n';
}
