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

export class ExpressionError extends Error {
  /** 1-based column of the offending character or token; 0 when no position applies. */
  readonly column: number;
  constructor(message: string, column: number) {
    super(message);
    this.name = 'ExpressionError';
    this.column = column;
  }
}

export interface CompiledExpression {
  readonly source: string;
  readonly variables: readonly string[];
  /** evaluate with arguments in the order of `variables` (missing arguments read as NaN) */
  readonly fn: (...args: number[]) => number;
  /** names actually used: the caller's variables that the source references */
  readonly uses: ReadonlySet<string>;
}

export const EXPRESSION_LIMITS = Object.freeze({ maxLength: 10000, maxDepth: 100, maxNodes: 10000 });

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

// ------------------------------------------------------------------------------------------------
// Names

type Fn1 = (a: number) => number;
interface FunctionSpec {
  readonly name: string;
  /** Exact argument count, or -1 for variadic (at least one argument). */
  readonly arity: number;
  readonly impl: (...args: number[]) => number;
}

const FUNCTION_LIST: FunctionSpec[] = [
  ...(['sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'sinh', 'cosh', 'tanh', 'exp', 'log', 'log10', 'sqrt', 'abs', 'floor', 'ceil', 'sign'] as const).map(
    (name): FunctionSpec => ({ name, arity: 1, impl: Math[name] as Fn1 }),
  ),
  { name: 'atan2', arity: 2, impl: Math.atan2 },
  { name: 'pow', arity: 2, impl: Math.pow },
  { name: 'min', arity: -1, impl: Math.min },
  { name: 'max', arity: -1, impl: Math.max },
  { name: 'step', arity: 1, impl: step },
  { name: 'erf', arity: 1, impl: erf },
  { name: 'if', arity: 3, impl: ifThenElse },
];
const FUNCTIONS = new Map<string, FunctionSpec>(FUNCTION_LIST.map((s) => [s.name, s]));
const CONSTANTS = new Map<string, number>([
  ['pi', Math.PI],
  ['e', Math.E],
]);
const FUNCTION_NAMES = FUNCTION_LIST.map((s) => s.name).join(', ');
const IDENT_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Heaviside step with step(0) = 1 (right-continuous, so "step(x - a)" switches on at x = a). */
function step(x: number): number {
  return x >= 0 ? 1 : x < 0 ? 0 : NaN;
}

/** if(c, a, b): a where c != 0, b where c == 0, NaN where c is NaN. (Compiled lazily below.) */
function ifThenElse(c: number, a: number, b: number): number {
  return c !== c ? NaN : c !== 0 ? a : b;
}

/**
 * Error function, within 1e-15 relative (checked against mpmath at 800 points in [-0.3, 7]). |x| < 2.5: the everywhere-positive
 * series erf x = 2/sqrt(pi) e^{-x^2} sum_n 2^n x^{2n+1} / (1*3*...*(2n+1)) (A&S 7.1.6, no
 * cancellation); |x| >= 2.5: erfc by its continued fraction (A&S 7.1.14, modified Lentz), where
 * erfc < 4.1e-4 so its truncation error is negligible after 1 - erfc.
 */
export function erf(x: number): number {
  if (x !== x) return NaN;
  const ax = Math.abs(x);
  let r: number;
  if (ax < 2.5) {
    const x2 = ax * ax;
    let term = ax;
    let sum = ax;
    for (let n = 1; n < 200; n++) {
      term *= (2 * x2) / (2 * n + 1);
      sum += term;
      if (term <= 1e-17 * sum) break;
    }
    r = (2 / Math.sqrt(Math.PI)) * Math.exp(-x2) * sum;
  } else if (ax < 6) {
    // erfc(x) = e^{-x^2}/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))): b_k = x, a_k = k/2.
    const tiny = 1e-300;
    let f = ax;
    let c = ax;
    let d = 0;
    for (let k = 1; k < 500; k++) {
      const a = k / 2;
      d = ax + a * d;
      if (d === 0) d = tiny;
      c = ax + a / c;
      if (c === 0) c = tiny;
      d = 1 / d;
      const delta = c * d;
      f *= delta;
      if (Math.abs(delta - 1) < 1e-16) break;
    }
    r = 1 - Math.exp(-ax * ax) / (Math.sqrt(Math.PI) * f);
  } else {
    r = 1; // erfc(6) ~ 2e-17 < eps/2
  }
  return x < 0 ? -r : x > 0 ? r : x;
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

// ------------------------------------------------------------------------------------------------
// Tokens

type Op = '+' | '-' | '*' | '/' | '^' | '(' | ')' | ',' | '<' | '<=' | '>' | '>=';
type Token =
  | { readonly t: 'num'; readonly value: number; readonly text: string; readonly col: number }
  | { readonly t: 'id'; readonly name: string; readonly col: number }
  | { readonly t: 'op'; readonly op: Op; readonly col: number }
  | { readonly t: 'end'; readonly col: number };

function isDigit(ch: number): boolean {
  return ch >= 48 && ch <= 57;
}
function isIdentStart(ch: number): boolean {
  return (ch >= 65 && ch <= 90) || (ch >= 97 && ch <= 122) || ch === 95;
}

/** A character as it should appear in a one-line message. */
function showChar(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  if (ch === "'") return `"'"`;
  if (code >= 0x20 && code < 0x7f) return `'${ch}'`;
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

function tokenize(src: string): Token[] {
  const toks: Token[] = [];
  const n = src.length;
  let i = 0;
  while (i < n) {
    const ch = src.charCodeAt(i);
    const col = i + 1;
    if (ch === 32 || ch === 9 || ch === 10 || ch === 13) {
      i++;
    } else if (isDigit(ch) || (ch === 46 && i + 1 < n && isDigit(src.charCodeAt(i + 1)))) {
      let j = i;
      while (j < n && isDigit(src.charCodeAt(j))) j++;
      if (j < n && src.charCodeAt(j) === 46) {
        j++;
        while (j < n && isDigit(src.charCodeAt(j))) j++;
      }
      if (j < n && (src.charCodeAt(j) === 101 || src.charCodeAt(j) === 69)) {
        // An exponent needs digits; "2e" or "2ex" is malformed rather than "2 * e".
        let k = j + 1;
        if (k < n && (src.charCodeAt(k) === 43 || src.charCodeAt(k) === 45)) k++;
        if (!(k < n && isDigit(src.charCodeAt(k)))) {
          throw new ExpressionError(`malformed number '${src.slice(i, Math.min(k + 1, n))}' at column ${col} (exponent needs digits)`, col);
        }
        while (k < n && isDigit(src.charCodeAt(k))) k++;
        j = k;
      }
      const text = src.slice(i, j);
      const value = Number(text);
      if (!Number.isFinite(value)) throw new ExpressionError(`number '${text}' at column ${col} is too large for a double`, col);
      toks.push({ t: 'num', value, text, col });
      i = j;
    } else if (isIdentStart(ch)) {
      let j = i + 1;
      while (j < n && (isIdentStart(src.charCodeAt(j)) || isDigit(src.charCodeAt(j)))) j++;
      toks.push({ t: 'id', name: src.slice(i, j), col });
      i = j;
    } else {
      const next = i + 1 < n ? src[i + 1] : '';
      const c = src[i];
      let op: Op | undefined;
      let len = 1;
      switch (c) {
        case '+':
        case '-':
        case '/':
        case '^':
        case '(':
        case ')':
        case ',':
          op = c;
          break;
        case '*':
          if (next === '*') {
            op = '^';
            len = 2;
          } else op = '*';
          break;
        case '<':
        case '>':
          if (next === '=') {
            op = c === '<' ? '<=' : '>=';
            len = 2;
          } else op = c;
          break;
      }
      if (op === undefined) {
        const shown = showChar(String.fromCodePoint(src.codePointAt(i) ?? 0));
        let hint = '';
        if (c === '=') hint = ' (there is no assignment or equality test; comparisons are <, <=, >, >=)';
        else if (c === '.') hint = ' (no member access; numbers need a digit after the point)';
        throw new ExpressionError(`unexpected character ${shown} at column ${col}${hint}`, col);
      }
      toks.push({ t: 'op', op, col });
      i += len;
    }
  }
  toks.push({ t: 'end', col: n + 1 });
  return toks;
}

function describe(tok: Token): string {
  switch (tok.t) {
    case 'num':
      return `number '${tok.text}'`;
    case 'id':
      return `identifier '${tok.name}'`;
    case 'op':
      return `'${tok.op}'`;
    case 'end':
      return 'end of expression';
  }
}

// ------------------------------------------------------------------------------------------------
// AST and parser

type CmpOp = '<' | '<=' | '>' | '>=';
type Ast =
  | { readonly k: 'num'; readonly v: number }
  | { readonly k: 'var'; readonly i: number }
  | { readonly k: 'neg'; readonly a: Ast }
  /** terms[0] - ... with neg[i] telling whether term i is subtracted (neg[0] is false). */
  | { readonly k: 'sum'; readonly terms: Ast[]; readonly neg: boolean[] }
  /** factors[0] * ... with div[i] telling whether factor i divides (div[0] is false). */
  | { readonly k: 'prod'; readonly factors: Ast[]; readonly div: boolean[] }
  | { readonly k: 'pow'; readonly a: Ast; readonly b: Ast }
  | { readonly k: 'cmp'; readonly op: CmpOp; readonly a: Ast; readonly b: Ast }
  | { readonly k: 'call'; readonly fn: FunctionSpec; readonly args: Ast[] };

const BP_CMP = 10;
const BP_ADD = 20;
const BP_MUL = 30;
const BP_UNARY = 40;
const BP_POW = 50;

function infixBp(tok: Token): number {
  if (tok.t !== 'op') return 0;
  switch (tok.op) {
    case '<':
    case '<=':
    case '>':
    case '>=':
      return BP_CMP;
    case '+':
    case '-':
      return BP_ADD;
    case '*':
    case '/':
      return BP_MUL;
    case '^':
      return BP_POW;
    default:
      return 0;
  }
}

class Parser {
  private pos = 0;
  private depth = 0;
  private nodes = 0;
  readonly uses = new Set<string>();

  constructor(
    private readonly toks: Token[],
    private readonly varIndex: Map<string, number>,
    private readonly variables: readonly string[],
  ) {}

  parseAll(): Ast {
    const first = this.toks[0];
    if (first.t === 'end') throw new ExpressionError('empty expression at column 1', 1);
    const ast = this.parseExpr(0);
    const tok = this.toks[this.pos];
    if (tok.t !== 'end') {
      const implicit = tok.t === 'num' || tok.t === 'id' || (tok.t === 'op' && tok.op === '(');
      const hint = implicit ? " (implicit multiplication is not supported; insert '*')" : '';
      throw new ExpressionError(`unexpected ${describe(tok)} at column ${tok.col}${hint}`, tok.col);
    }
    return ast;
  }

  private node<T extends Ast>(a: T, col: number): T {
    if (++this.nodes > EXPRESSION_LIMITS.maxNodes) {
      throw new ExpressionError(`expression too large at column ${col} (more than ${EXPRESSION_LIMITS.maxNodes} nodes)`, col);
    }
    return a;
  }

  private parseExpr(rbp: number): Ast {
    const start = this.toks[this.pos];
    if (++this.depth > EXPRESSION_LIMITS.maxDepth) {
      throw new ExpressionError(`expression nested too deeply at column ${start.col} (limit ${EXPRESSION_LIMITS.maxDepth} levels)`, start.col);
    }
    let left = this.prefix();
    let leftIsCmp = false;
    for (;;) {
      const tok = this.toks[this.pos];
      const lbp = infixBp(tok);
      if (lbp <= rbp || tok.t !== 'op') break;
      this.pos++;
      const op = tok.op;
      if (lbp === BP_CMP) {
        if (leftIsCmp) {
          throw new ExpressionError(`comparisons cannot be chained: '${op}' at column ${tok.col} (write (a < b) * (b < c))`, tok.col);
        }
        const right = this.parseExpr(BP_CMP);
        left = this.node({ k: 'cmp', op: op as CmpOp, a: left, b: right }, tok.col);
        leftIsCmp = true;
      } else if (lbp === BP_POW) {
        const right = this.parseExpr(BP_POW - 1); // right-associative
        left = this.node({ k: 'pow', a: left, b: right }, tok.col);
      } else if (lbp === BP_ADD) {
        const right = this.parseExpr(BP_ADD);
        // Flattening (a+b)+c into one n-ary node keeps left-to-right evaluation, hence identical results.
        if (left.k === 'sum') {
          left.terms.push(right);
          left.neg.push(op === '-');
        } else {
          left = this.node({ k: 'sum', terms: [left, right], neg: [false, op === '-'] }, tok.col);
        }
      } else {
        const right = this.parseExpr(BP_MUL);
        if (left.k === 'prod') {
          left.factors.push(right);
          left.div.push(op === '/');
        } else {
          left = this.node({ k: 'prod', factors: [left, right], div: [false, op === '/'] }, tok.col);
        }
      }
    }
    this.depth--;
    return left;
  }

  private prefix(): Ast {
    const tok = this.toks[this.pos];
    switch (tok.t) {
      case 'num':
        this.pos++;
        return this.node({ k: 'num', v: tok.value }, tok.col);
      case 'id':
        this.pos++;
        return this.identifier(tok.name, tok.col);
      case 'end':
        throw new ExpressionError(`unexpected end of expression at column ${tok.col} (expected a number, variable, function call or '(')`, tok.col);
      case 'op':
        break;
    }
    if (tok.op === '-' || tok.op === '+') {
      this.pos++;
      const a = this.parseExpr(BP_UNARY);
      return tok.op === '-' ? this.node({ k: 'neg', a }, tok.col) : a;
    }
    if (tok.op === '(') {
      this.pos++;
      const inner = this.parseExpr(0);
      this.expectClose(tok.col, "'('");
      return inner;
    }
    throw new ExpressionError(`unexpected ${describe(tok)} at column ${tok.col} (expected a number, variable, function call or '(')`, tok.col);
  }

  private expectClose(openCol: number, what: string): void {
    const tok = this.toks[this.pos];
    if (tok.t === 'op' && tok.op === ')') {
      this.pos++;
      return;
    }
    const found = tok.t === 'end' ? 'end of expression' : describe(tok);
    throw new ExpressionError(`expected ')' at column ${tok.col} to close ${what} at column ${openCol}, found ${found}`, tok.col);
  }

  private identifier(name: string, col: number): Ast {
    const next = this.toks[this.pos];
    const isCall = next.t === 'op' && next.op === '(';
    const spec = FUNCTIONS.get(name);
    if (isCall) {
      if (spec === undefined) {
        if (this.varIndex.has(name) || CONSTANTS.has(name)) {
          throw new ExpressionError(`'${name}' at column ${col} is not a function (implicit multiplication is not supported; write ${name}*(...))`, col);
        }
        throw new ExpressionError(`unknown function '${name}' at column ${col} (allowed: ${FUNCTION_NAMES})`, col);
      }
      return this.call(spec, col);
    }
    const vi = this.varIndex.get(name);
    if (vi !== undefined) {
      this.uses.add(name);
      return this.node({ k: 'var', i: vi }, col);
    }
    const c = CONSTANTS.get(name);
    if (c !== undefined) return this.node({ k: 'num', v: c }, col);
    if (spec !== undefined) throw new ExpressionError(`function '${name}' at column ${col} must be called with arguments, e.g. ${name}(x)`, col);
    throw new ExpressionError(`unknown identifier '${name}' at column ${col} (${this.allowedNames()})${this.caseHint(name)}`, col);
  }

  private call(spec: FunctionSpec, col: number): Ast {
    const open = this.toks[this.pos];
    this.pos++; // '('
    const args: Ast[] = [];
    const close = this.toks[this.pos];
    if (!(close.t === 'op' && close.op === ')')) {
      for (;;) {
        args.push(this.parseExpr(0));
        const tok = this.toks[this.pos];
        if (tok.t === 'op' && tok.op === ',') {
          this.pos++;
          continue;
        }
        break;
      }
    }
    this.expectClose(open.col, `the arguments of ${spec.name}`);
    if (spec.arity >= 0 ? args.length !== spec.arity : args.length < 1) {
      const expected = spec.arity >= 0 ? String(spec.arity) : 'at least 1';
      throw new ExpressionError(`wrong number of arguments to ${spec.name} at column ${col}: expected ${expected}, got ${args.length}`, col);
    }
    return this.node({ k: 'call', fn: spec, args }, col);
  }

  private allowedNames(): string {
    const vars = this.variables.length > 0 ? this.variables.join(', ') : 'none';
    return `allowed variables: ${vars}; constants: ${[...CONSTANTS.keys()].join(', ')}`;
  }

  private caseHint(name: string): string {
    const lower = name.toLowerCase();
    for (const known of [...this.variables, ...CONSTANTS.keys(), ...FUNCTIONS.keys()]) {
      if (known.toLowerCase() === lower) return `; names are case-sensitive: did you mean '${known}'?`;
    }
    return '';
  }
}

// ------------------------------------------------------------------------------------------------
// Compilation to closures

type Env = Float64Array;
type Eval = (env: Env) => number;
/** A compiled node; `c` is set when the node is a compile-time constant. */
interface Compiled {
  readonly f: Eval;
  readonly c?: number;
}

function constant(c: number): Compiled {
  return { f: () => c, c };
}

function compileNode(a: Ast): Compiled {
  switch (a.k) {
    case 'num':
      return constant(a.v);
    case 'var': {
      const i = a.i;
      return { f: (env) => env[i] };
    }
    case 'neg': {
      const x = compileNode(a.a);
      if (x.c !== undefined) return constant(-x.c);
      const f = x.f;
      return { f: (env) => -f(env) };
    }
    case 'sum':
      return compileChain(a.terms, a.neg, (acc, t, inv) => (inv ? acc - t : acc + t), false);
    case 'prod':
      return compileChain(a.factors, a.div, (acc, t, inv) => (inv ? acc / t : acc * t), true);
    case 'pow':
      return compilePow(compileNode(a.a), compileNode(a.b));
    case 'cmp':
      return compileCmp(a.op, compileNode(a.a), compileNode(a.b));
    case 'call':
      return compileCall(a.fn, a.args.map(compileNode));
  }
}

/** Sums (isProduct false) and products, evaluated strictly left to right. */
function compileChain(items: Ast[], inverse: boolean[], apply: (acc: number, t: number, inv: boolean) => number, isProduct: boolean): Compiled {
  const parts = items.map(compileNode);
  // Fold the leading run of constants: same operations in the same order as at run time.
  let k = 1;
  let acc = parts[0].c;
  if (acc !== undefined) {
    while (k < parts.length && parts[k].c !== undefined) {
      acc = apply(acc, parts[k].c as number, inverse[k]);
      k++;
    }
    if (k === parts.length) return constant(acc);
  }
  const head: Eval = acc !== undefined ? constant(acc).f : parts[0].f;
  const restF = parts.slice(k).map((p) => p.f);
  const restInv = inverse.slice(k);
  if (restF.length === 1) {
    const t = restF[0];
    const inv = restInv[0];
    if (acc !== undefined) {
      const c0 = acc;
      if (isProduct) return { f: inv ? (env) => c0 / t(env) : (env) => c0 * t(env) };
      return { f: inv ? (env) => c0 - t(env) : (env) => c0 + t(env) };
    }
    if (isProduct) return { f: inv ? (env) => head(env) / t(env) : (env) => head(env) * t(env) };
    return { f: inv ? (env) => head(env) - t(env) : (env) => head(env) + t(env) };
  }
  const m = restF.length;
  if (isProduct) {
    return {
      f: (env) => {
        let s = head(env);
        for (let i = 0; i < m; i++) s = restInv[i] ? s / restF[i](env) : s * restF[i](env);
        return s;
      },
    };
  }
  return {
    f: (env) => {
      let s = head(env);
      for (let i = 0; i < m; i++) s = restInv[i] ? s - restF[i](env) : s + restF[i](env);
      return s;
    },
  };
}

function compilePow(base: Compiled, ex: Compiled): Compiled {
  if (base.c !== undefined && ex.c !== undefined) return constant(Math.pow(base.c, ex.c));
  const b = base.f;
  if (ex.c !== undefined) {
    // Small integer exponents by multiplication: the common x^2, (x-a)^2 without a pow call.
    switch (ex.c) {
      case 0:
        return constant(1); // Math.pow(anything, 0) = 1, NaN included
      case 1:
        return base;
      case 2:
        return {
          f: (env) => {
            const t = b(env);
            return t * t;
          },
        };
      case 3:
        return {
          f: (env) => {
            const t = b(env);
            return t * t * t;
          },
        };
      case 4:
        return {
          f: (env) => {
            const t = b(env);
            const s = t * t;
            return s * s;
          },
        };
      case -1:
        return { f: (env) => 1 / b(env) };
    }
    const p = ex.c;
    return { f: (env) => Math.pow(b(env), p) };
  }
  const e = ex.f;
  return { f: (env) => Math.pow(b(env), e(env)) };
}

function compileCmp(op: CmpOp, left: Compiled, right: Compiled): Compiled {
  const cmp = (x: number, y: number): number => {
    if (x !== x || y !== y) return NaN; // a NaN must not silently become 0
    switch (op) {
      case '<':
        return x < y ? 1 : 0;
      case '<=':
        return x <= y ? 1 : 0;
      case '>':
        return x > y ? 1 : 0;
      case '>=':
        return x >= y ? 1 : 0;
    }
  };
  if (left.c !== undefined && right.c !== undefined) return constant(cmp(left.c, right.c));
  const a = left.f;
  const b = right.f;
  // Each comparison's "false" branch tests the complement, so NaN falls through to NaN.
  switch (op) {
    case '<':
      return {
        f: (env) => {
          const x = a(env);
          const y = b(env);
          return x < y ? 1 : x >= y ? 0 : NaN;
        },
      };
    case '<=':
      return {
        f: (env) => {
          const x = a(env);
          const y = b(env);
          return x <= y ? 1 : x > y ? 0 : NaN;
        },
      };
    case '>':
      return {
        f: (env) => {
          const x = a(env);
          const y = b(env);
          return x > y ? 1 : x <= y ? 0 : NaN;
        },
      };
    case '>=':
      return {
        f: (env) => {
          const x = a(env);
          const y = b(env);
          return x >= y ? 1 : x < y ? 0 : NaN;
        },
      };
  }
}

function compileCall(spec: FunctionSpec, args: Compiled[]): Compiled {
  if (spec.name === 'if') {
    // Lazy: only the selected branch is evaluated.
    const [c, t, e] = args;
    if (c.c !== undefined) return c.c !== c.c ? constant(NaN) : c.c !== 0 ? t : e;
    const cf = c.f;
    const tf = t.f;
    const ef = e.f;
    return {
      f: (env) => {
        const v = cf(env);
        return v !== v ? NaN : v !== 0 ? tf(env) : ef(env);
      },
    };
  }
  const impl = spec.impl;
  if (args.every((a) => a.c !== undefined)) return constant(impl(...args.map((a) => a.c as number)));
  if (args.length === 1) {
    if (spec.arity < 0) return args[0]; // min(x) = max(x) = x
    const f1 = impl as Fn1;
    const a = args[0].f;
    return { f: (env) => f1(a(env)) };
  }
  if (args.length === 2) {
    const f2 = impl as (x: number, y: number) => number;
    const a = args[0].f;
    const b = args[1].f;
    return { f: (env) => f2(a(env), b(env)) };
  }
  // Variadic min/max: pairwise application equals the variadic result (NaN-propagating, -0 < +0).
  const fs = args.map((a) => a.f);
  const f2 = impl as (x: number, y: number) => number;
  const m = fs.length;
  return {
    f: (env) => {
      let r = fs[0](env);
      for (let i = 1; i < m; i++) r = f2(r, fs[i](env));
      return r;
    },
  };
}
