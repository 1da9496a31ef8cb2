/**
 * A small, safe arithmetic expression language for user-supplied initial data and rate laws,
 * e.g. "1 + 0.5*sin(2*pi*x)", "exp(-((x-0.5)^2+(y-0.5)^2)/0.01)", "rho^2/(1+rho)",
 * "1 + 0.3*(x < 0.5)", "if(x < 0.5, 1, 0.2)".
 *
 * Safety. The source is tokenised and parsed by hand (Pratt / precedence climbing) into an AST,
 * and the AST is compiled into a tree of closures. Nothing is ever handed to eval or
 * new Function, and no JavaScript object property is looked up by a user-supplied name: every
 * name resolves through a Map built here (functions, constants) or the caller's variable list,
 * so "constructor", "__proto__", "process", ... are plain unknown identifiers. There is no
 * member access, no strings, no assignment: the only values are doubles.
 *
 * Resource limits. Source length <= 10000 characters, nesting depth <= 100 (the parser's
 * recursion depth: parentheses, calls, unary operators, right operands), AST nodes <= 10000.
 * Sums and products are flattened into n-ary nodes, so long chains like 1+1+...+1 stay shallow
 * and the compiled closures never recurse deeper than a few hundred frames.
 *
 * Grammar, loosest first:
 *   comparison  a < b, a <= b, a > b, a >= b   -> 1 or 0 (NaN if either side is NaN); not chainable
 *   additive    a + b, a - b                   left-associative
 *   multiplicative a * b, a / b                left-associative
 *   unary       -a, +a
 *   power       a ^ b (also a ** b)            right-associative, binds tighter than unary minus:
 *                                              -x^2 = -(x^2), 2^-x = 2^(-x), 2^3^2 = 2^9
 *   primary     number (1, 1.5, .5, 1., 1e-3), variable, constant (pi, e), f(args), (expr)
 *
 * Numerics. Evaluation order is exactly left to right as written, so results agree bit for bit
 * with the same formula written in JavaScript, except that integer powers 2, 3, 4 are computed
 * by multiplication (within ~2 ulp of Math.pow) and constant subexpressions, including a leading
 * constant run of a sum or product (2*pi*x), are folded once at compile time.
 */

import { CONSTANTS, EXPRESSION_LIMITS, ExpressionError, FUNCTIONS, IDENT_RE } from './expressionNames.js';
import { Parser, tokenize } from './expressionParser.js';
import { compileNode } from './expressionCompiler.js';

export { ExpressionError, EXPRESSION_LIMITS, erf } from './expressionNames.js';

export interface CompiledExpression {
  readonly source: string;
  readonly variables: readonly string[];
  /** evaluate with arguments in the order of `variables` (missing arguments read as NaN) */
  readonly fn: (...args: number[]) => number;
  /** names actually used: the caller's variables that the source references */
  readonly uses: ReadonlySet<string>;
}

/**
 * Parse and compile `source`, a formula in the given variables.
 * Throws ExpressionError for any problem in `source`; RangeError if `variables` itself is
 * invalid (not identifiers, duplicated, or clashing with a function or constant name).
 */
export function compileExpression(source: string, variables: readonly string[]): CompiledExpression {
  const varIndex = checkVariables(variables);
  if (typeof source !== 'string') throw new ExpressionError(`expression must be a string, got ${typeof source}`, 0);
  if (source.length > EXPRESSION_LIMITS.maxLength) {
    throw new ExpressionError(
      `expression too long: ${source.length} characters at column ${EXPRESSION_LIMITS.maxLength + 1} (limit ${EXPRESSION_LIMITS.maxLength})`,
      EXPRESSION_LIMITS.maxLength + 1,
    );
  }
  const tokens = tokenize(source);
  const parser = new Parser(tokens, varIndex, variables);
  const ast = parser.parseAll();
  const root = compileNode(ast);
  const nv = variables.length;
  const env = new Float64Array(nv);
  const f = root.f;
  let fn: (...args: number[]) => number;
  if (root.c !== undefined) {
    const c = root.c;
    fn = () => c;
  } else if (nv === 1) {
    fn = (a: number) => {
      env[0] = a;
      return f(env);
    };
  } else if (nv === 2) {
    fn = (a: number, b: number) => {
      env[0] = a;
      env[1] = b;
      return f(env);
    };
  } else if (nv === 3) {
    fn = (a: number, b: number, c: number) => {
      env[0] = a;
      env[1] = b;
      env[2] = c;
      return f(env);
    };
  } else if (nv === 4) {
    fn = (a: number, b: number, c: number, d: number) => {
      env[0] = a;
      env[1] = b;
      env[2] = c;
      env[3] = d;
      return f(env);
    };
  } else {
    fn = (...args: number[]) => {
      for (let i = 0; i < nv; i++) env[i] = args[i];
      return f(env);
    };
  }
  // Reusing one env per compiled expression is safe: evaluation never calls back into user code.
  return { source, variables: Object.freeze([...variables]), fn, uses: parser.uses };
}

function checkVariables(variables: readonly string[]): Map<string, number> {
  if (!Array.isArray(variables)) throw new RangeError('compileExpression: variables must be an array of names');
  const m = new Map<string, number>();
  variables.forEach((v, i) => {
    if (typeof v !== 'string' || !IDENT_RE.test(v)) throw new RangeError(`compileExpression: invalid variable name ${JSON.stringify(v)}`);
    if (m.has(v)) throw new RangeError(`compileExpression: duplicate variable name '${v}'`);
    if (CONSTANTS.has(v) || FUNCTIONS.has(v)) throw new RangeError(`compileExpression: variable name '${v}' clashes with a built-in name`);
    m.set(v, i);
  });
  return m;
}
