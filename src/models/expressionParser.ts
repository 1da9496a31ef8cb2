/**
 * The tokeniser and the Pratt parser of the expression language (./expression.ts): source text to an AST
 * whose sums and products are n-ary, with the language's resource limits and column-accurate errors.
 */
import { CONSTANTS, EXPRESSION_LIMITS, ExpressionError, FUNCTION_NAMES, FUNCTIONS, type FunctionSpec } from './expressionNames.js';

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

export function tokenize(src: string): Token[] {
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

export type CmpOp = '<' | '<=' | '>' | '>=';
export type Ast =
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

export class Parser {
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
