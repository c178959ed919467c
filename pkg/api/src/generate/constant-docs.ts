import ts from 'typescript';

/** One member of an exported `as const` object, with its doc comment. */
export interface DocumentedConstant {
  name: string;
  value: string;
  doc: string;
}

function docComment(sourceText: string, node: ts.Node): string {
  const ranges = ts.getLeadingCommentRanges(sourceText, node.getFullStart()) ?? [];
  const jsdoc = ranges.map((r) => sourceText.slice(r.pos, r.end)).filter((c) => c.startsWith('/**')).pop();
  if (!jsdoc) return '';
  return jsdoc
    .replace(/^\/\*\*|\*\/$/g, '')
    .split('\n')
    .map((line) => line.replace(/^\s*\*\s?/, '').trim())
    .filter((line) => line.length > 0)
    .join(' ');
}

/**
 * Reads the members and doc comments of `export const <name> = { ... } as const` from TypeScript source,
 * so the reference doc says exactly what the constants' doc comments say. Returns [] when absent.
 */
export function documentedConstants(sourceText: string, constName: string): DocumentedConstant[] {
  const file = ts.createSourceFile('kind.ts', sourceText, ts.ScriptTarget.ES2022, true);
  for (const statement of file.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (!ts.isIdentifier(declaration.name) || declaration.name.text !== constName || !declaration.initializer) continue;
      let init: ts.Expression = declaration.initializer;
      if (ts.isAsExpression(init)) init = init.expression;
      if (!ts.isObjectLiteralExpression(init)) return [];
      return init.properties.filter(ts.isPropertyAssignment).map((p) => ({
        name: p.name.getText(file),
        value: ts.isStringLiteral(p.initializer) ? p.initializer.text : p.initializer.getText(file),
        doc: docComment(sourceText, p),
      }));
    }
  }
  return [];
}
