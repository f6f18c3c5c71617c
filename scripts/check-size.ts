// Size limits for src: no file over 400 lines, no function (declaration, method, accessor,
// constructor, function expression or arrow function) over 80 lines, counted from its first
// token to its last, nested functions included. `tsx scripts/check-size.ts [folder]` (default src).
import ts from 'typescript';
import { lineOf, listSources, parse, report } from './sources.js';

const MAX_FILE_LINES = 400;
const MAX_FUNCTION_LINES = 80;

/** Files measured by neither limit, with the reason. Keep this short: data and generated code only. */
const EXEMPT: Record<string, string> = {};

function fileLines(source: ts.SourceFile): number {
  const starts = source.getLineStarts().length;
  return source.text.endsWith('\n') ? starts - 1 : starts;
}

function nameOf(node: ts.FunctionLikeDeclaration): string {
  if (node.name) return node.name.getText();
  const parent = node.parent;
  if ((ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) && parent.name) {
    return parent.name.getText();
  }
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  return '(anonymous)';
}

function longFunctions(source: ts.SourceFile): string[] {
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const fn = node as ts.FunctionLikeDeclaration;
      const first = lineOf(source, fn);
      const lines = source.getLineAndCharacterOfPosition(fn.getEnd()).line + 2 - first;
      if (lines > MAX_FUNCTION_LINES) {
        found.push(`${source.fileName}:${first} function ${nameOf(fn)} has ${lines} lines (max ${MAX_FUNCTION_LINES})`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

export function sizeViolations(root: string, dir: string): string[] {
  const violations: string[] = [];
  for (const file of listSources(root, dir)) {
    if (file in EXEMPT) continue;
    const source = parse(root, file);
    const lines = fileLines(source);
    if (lines > MAX_FILE_LINES) violations.push(`${file}:1 file has ${lines} lines (max ${MAX_FILE_LINES})`);
    violations.push(...longFunctions(source));
  }
  return violations;
}

report('size', sizeViolations(process.cwd(), process.argv[2] ?? 'src'));
