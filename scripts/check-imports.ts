// The import rules that keep the layers apart (README, Architecture). Every import, re-export,
// dynamic import() and `import('…')` type counts, type-only ones too: a type from an adapter ties
// a service to that adapter as much as a value does.
//  - src/domain is pure: it imports only src/domain, the pure packages below, no I/O.
//  - src/services imports no adapter, no HTTP and no sandbox code: it sees the world through ports.
//  - an adapter never imports another adapter's folder; a messenger under adapters/channel may use
//    adapters/channel/shared (the common inbound pipeline) and nothing of another messenger.
//  - src/http never imports the Store implementation: it calls services.
// `tsx scripts/check-imports.ts [folder]` (default src) prints `path:line rule` and exits 1.
import path from 'node:path';
import ts from 'typescript';
import { lineOf, listSources, parse, report } from './sources.js';

/** Packages without I/O that the domain may use (time zones, public holidays, schemas). */
const PURE_PACKAGES = new Set(['luxon', 'date-holidays', 'zod']);

interface Import {
  specifier: string;
  line: number;
}

function importsOf(source: ts.SourceFile): Import[] {
  const found: Import[] = [];
  const add = (node: ts.Node, literal: ts.Node | undefined): void => {
    if (literal && ts.isStringLiteralLike(literal)) found.push({ specifier: literal.text, line: lineOf(source, node) });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) add(node, node.moduleSpecifier);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node, node.arguments[0]);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node, node.argument.literal);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node, node.moduleReference.expression);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The imported file's project path (`src/…`), or null for a package or a node: module. */
function target(file: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  return path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

const within = (file: string, folder: string): boolean => file.startsWith(`${folder}/`);

/** The adapter unit a path belongs to: `src/adapters/<a>`, or `src/adapters/channel/<x>`. */
function adapterUnit(file: string): string | null {
  const parts = file.split('/');
  if (parts[0] !== 'src' || parts[1] !== 'adapters' || parts.length < 4) return null;
  if (parts[2] === 'channel' && parts.length >= 5) return parts.slice(0, 4).join('/');
  return parts.slice(0, 3).join('/');
}

function domainRule(file: string, specifier: string, to: string | null): string | null {
  if (!within(file, 'src/domain')) return null;
  if (to) return within(to, 'src/domain') ? null : `src/domain imports ${specifier}: outside src/domain`;
  if (PURE_PACKAGES.has(packageName(specifier))) return null;
  return `src/domain imports ${specifier}: not a pure package (allowed: ${[...PURE_PACKAGES].join(', ')})`;
}

function servicesRule(file: string, specifier: string, to: string | null): string | null {
  if (!within(file, 'src/services') || !to) return null;
  const layer = ['src/adapters', 'src/http', 'src/sandbox'].find((folder) => within(to, folder));
  return layer ? `src/services imports ${specifier}: ${layer} (services use ports)` : null;
}

function adapterRule(file: string, specifier: string, to: string | null): string | null {
  const from = adapterUnit(file);
  const into = to && adapterUnit(to);
  if (!from || !into || from === into) return null;
  const fromRoot = from.split('/').slice(0, 3).join('/');
  const intoRoot = into.split('/').slice(0, 3).join('/');
  if (fromRoot !== intoRoot) return `${from} imports ${specifier}: another adapter's folder (${intoRoot})`;
  // Both under adapters/channel: the files at its root choose a messenger; messengers share `shared`.
  if (from === 'src/adapters/channel' || into === 'src/adapters/channel/shared') return null;
  if (into === 'src/adapters/channel') return null;
  return `${from} imports ${specifier}: another messenger's folder (${into})`;
}

function httpRule(file: string, specifier: string, to: string | null): string | null {
  if (!within(file, 'src/http') || !to || !within(to, 'src/adapters/store')) return null;
  return `src/http imports ${specifier}: the Store implementation (call a service)`;
}

const RULES = [domainRule, servicesRule, adapterRule, httpRule];

export function importViolations(root: string, dir: string): string[] {
  const violations: string[] = [];
  for (const file of listSources(root, dir)) {
    for (const { specifier, line } of importsOf(parse(root, file))) {
      const to = target(file, specifier);
      for (const rule of RULES) {
        const broken = rule(file, specifier, to);
        if (broken) violations.push(`${file}:${line} ${broken}`);
      }
    }
  }
  return violations;
}

report('imports', importViolations(process.cwd(), process.argv[2] ?? 'src'));
