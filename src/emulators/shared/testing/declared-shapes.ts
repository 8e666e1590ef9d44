import { readFileSync } from "node:fs";
import ts from "typescript";

/** How deep a value is followed into nested declared types (they are recursive in places). */
const DEPTH_MAX = 8;

/** A declared type and the namespace it sits in (`["Subscription"]` for `Subscription.PendingUpdate`). */
type Declaration = { scope: string[] } & (
  | { kind: "members"; members: ts.TypeElement[]; bases: string[] }
  | { kind: "alias"; type: ts.TypeNode }
);

/**
 * The shapes an SDK declares in its `.d.ts` files, read with the TypeScript parser, so a JSON answer can
 * be checked against the SDK's own types when the SDK does not validate at run time (`@polar-sh/sdk`
 * 1.x). It checks what a type-checked client relies on: every required property is present (a
 * nullable one as `null`), literal discriminators match, and primitives have the declared kind.
 * Unknown references (`Date`, imported names) pass.
 *
 * @example
 * const shapes = DeclaredShapes.fromFiles(["node_modules/polar-sdk-1/dist/models-….d.mts"]);
 * expect(shapes.problems(json, "Product")).toEqual([]);
 */
export class DeclaredShapes {
  private readonly declarations = new Map<string, Declaration>();

  static fromFiles(paths: string[]): DeclaredShapes {
    const shapes = new DeclaredShapes();
    for (const path of paths) shapes.read(path);
    return shapes;
  }

  has(typeName: string): boolean {
    return this.declarations.has(typeName);
  }

  /** Problems found checking `value` against the declared type `typeName`; empty when it conforms. */
  problems(value: unknown, typeName: string): string[] {
    if (!this.declarations.has(typeName)) return [`${typeName}: no such declared type`];
    return this.checkReference(value, typeName, typeName, 0);
  }

  private read(path: string): void {
    const source = ts.createSourceFile(path, readFileSync(path, "utf8"), ts.ScriptTarget.Latest, false);
    const visit = (node: ts.Node, scope: string[]): void => {
      if (ts.isModuleDeclaration(node) && ts.isIdentifier(node.name)) {
        const inner = [...scope, node.name.text];
        if (node.body) ts.forEachChild(node.body, (child) => visit(child, inner));
        return;
      }
      if (ts.isInterfaceDeclaration(node)) {
        const bases = (node.heritageClauses ?? []).flatMap((clause) =>
          clause.types.flatMap((type) => (ts.isIdentifier(type.expression) ? [type.expression.text] : [])),
        );
        const name = [...scope, node.name.text].join(".");
        const merged = this.declarations.get(name);
        // Interfaces of one name merge, as TypeScript merges them.
        if (merged?.kind === "members") merged.members.push(...node.members);
        else this.declarations.set(name, { kind: "members", members: [...node.members], bases, scope });
      } else if (ts.isTypeAliasDeclaration(node)) {
        this.declarations.set([...scope, node.name.text].join("."), {
          kind: "alias",
          type: node.type,
          scope,
        });
      }
      ts.forEachChild(node, (child) => visit(child, scope));
    };
    visit(source, []);
  }

  /** A reference as written inside `scope`: the innermost namespace that declares it wins. */
  private resolve(name: string, scope: string[]): Declaration | undefined {
    const bare = name.replace(/^Stripe\./, "");
    for (let depth = scope.length; depth >= 0; depth -= 1) {
      const found = this.declarations.get([...scope.slice(0, depth), bare].join("."));
      if (found) return found;
    }
    return undefined;
  }

  private checkReference(
    value: unknown,
    name: string,
    path: string,
    depth: number,
    scope: string[] = [],
  ): string[] {
    const declaration = this.resolve(name, scope);
    if (!declaration || depth > DEPTH_MAX) return [];
    const inner = declaration.scope;
    if (declaration.kind === "alias") return this.checkNode(value, declaration.type, path, depth + 1, inner);
    const problems: string[] = declaration.bases.flatMap((base) =>
      this.checkReference(value, base, path, depth + 1, inner),
    );
    return [...problems, ...this.checkMembers(value, declaration.members, path, depth + 1, inner)];
  }

  private checkMembers(
    value: unknown,
    members: readonly ts.TypeElement[],
    path: string,
    depth: number,
    scope: string[],
  ): string[] {
    if (typeof value !== "object" || value === null || Array.isArray(value))
      return [`${path}: expected an object, got ${JSON.stringify(value)?.slice(0, 60)}`];
    const record = value as Record<string, unknown>;
    const problems: string[] = [];
    for (const member of members) {
      if (!ts.isPropertySignature(member) || !member.type) continue;
      const key = propertyName(member.name);
      if (key === null) continue;
      const present = key in record && record[key] !== undefined;
      if (!present) {
        if (!member.questionToken) problems.push(`${path}.${key}: required, missing`);
        continue;
      }
      problems.push(...this.checkNode(record[key], member.type, `${path}.${key}`, depth, scope));
    }
    return problems;
  }

  private checkNode(
    value: unknown,
    node: ts.TypeNode,
    path: string,
    depth: number,
    scope: string[],
  ): string[] {
    if (ts.isParenthesizedTypeNode(node)) return this.checkNode(value, node.type, path, depth, scope);
    if (ts.isUnionTypeNode(node)) return this.checkUnion(value, node.types, path, depth, scope);
    if (ts.isLiteralTypeNode(node)) return checkLiteral(value, node.literal, path);
    if (ts.isArrayTypeNode(node)) return this.checkArray(value, node.elementType, path, depth, scope);
    if (ts.isTypeLiteralNode(node)) return this.checkMembers(value, node.members, path, depth, scope);
    if (ts.isTypeReferenceNode(node)) {
      const name = entityName(node.typeName);
      if ((name === "Array" || name === "ReadonlyArray") && node.typeArguments?.[0])
        return this.checkArray(value, node.typeArguments[0], path, depth, scope);
      return this.checkReference(value, name, path, depth, scope);
    }
    return checkKeyword(value, node.kind, path);
  }

  private checkArray(
    value: unknown,
    element: ts.TypeNode,
    path: string,
    depth: number,
    scope: string[],
  ): string[] {
    if (!Array.isArray(value)) return [`${path}: expected an array`];
    return value.flatMap((item, index) => this.checkNode(item, element, `${path}[${index}]`, depth, scope));
  }

  /** A union holds when one member holds; otherwise the closest member's problems are reported. */
  private checkUnion(
    value: unknown,
    members: ts.NodeArray<ts.TypeNode>,
    path: string,
    depth: number,
    scope: string[],
  ): string[] {
    let closest: string[] | null = null;
    for (const member of members) {
      const problems = this.checkNode(value, member, path, depth, scope);
      if (problems.length === 0) return [];
      if (closest === null || problems.length < closest.length) closest = problems;
    }
    return closest ?? [];
  }
}

function entityName(name: ts.EntityName): string {
  return ts.isIdentifier(name) ? name.text : `${entityName(name.left)}.${name.right.text}`;
}

function propertyName(name: ts.PropertyName): string | null {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)) return name.text;
  return null;
}

function checkLiteral(value: unknown, literal: ts.LiteralTypeNode["literal"], path: string): string[] {
  let expected: unknown;
  if (literal.kind === ts.SyntaxKind.NullKeyword) expected = null;
  else if (literal.kind === ts.SyntaxKind.TrueKeyword) expected = true;
  else if (literal.kind === ts.SyntaxKind.FalseKeyword) expected = false;
  else if (ts.isStringLiteral(literal)) expected = literal.text;
  else if (ts.isNumericLiteral(literal)) expected = Number(literal.text);
  else return [];
  return value === expected
    ? []
    : [`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(value)}`];
}

function checkKeyword(value: unknown, kind: ts.SyntaxKind, path: string): string[] {
  const expected: Partial<Record<ts.SyntaxKind, string>> = {
    [ts.SyntaxKind.StringKeyword]: "string",
    [ts.SyntaxKind.NumberKeyword]: "number",
    [ts.SyntaxKind.BooleanKeyword]: "boolean",
  };
  const type = expected[kind];
  if (kind === ts.SyntaxKind.NullKeyword) return value === null ? [] : [`${path}: expected null`];
  if (!type || typeof value === type) return [];
  return [`${path}: expected a ${type}, got ${JSON.stringify(value)?.slice(0, 60)}`];
}
