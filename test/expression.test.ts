import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compileExpression, erf, ExpressionError } from '../src/models/expression.js';

const X = 0.3;
const Y = -1.7;

function ev(source: string, x = X, y = Y): number {
  return compileExpression(source, ['x', 'y']).fn(x, y);
}

/** Assert that compiling throws ExpressionError whose message matches every pattern. */
function assertError(source: string, patterns: RegExp[], variables: readonly string[] = ['x']): ExpressionError {
  let caught: unknown;
  try {
    compileExpression(source, variables);
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof ExpressionError, `${JSON.stringify(source.slice(0, 80))}: expected ExpressionError, got ${String(caught)}`);
  assert.ok(!caught.message.includes('\n'), `message is one line: ${caught.message}`);
  for (const p of patterns) assert.match(caught.message, p, `${JSON.stringify(source.slice(0, 80))}`);
  return caught;
}

test('precedence and associativity', () => {
  const x = X;
  const y = Y;
  const table: [string, number][] = [
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['1 - 2 - 3', -4],
    ['1 - (2 - 3)', 2],
    ['8 / 4 / 2', 1],
    ['8 / (4 / 2)', 4],
    ['2 ^ 3 ^ 2', 512],
    ['(2 ^ 3) ^ 2', 64],
    ['2 ** 3 ** 2', 512],
    ['-2 ^ 2', -4],
    ['(-2) ^ 2', 4],
    ['-x^2', -(x * x)],
    ['2 ^ -1', 0.5],
    ['2^-x^2', Math.pow(2, -(x * x))],
    ['-x * y', -x * y],
    ['--x', x],
    ['+x', x],
    ['x - -y', x - -y],
    ['2 * x ^ 2', 2 * x * x],
    ['x / y * 2', (x / y) * 2],
    ['x * y / 2', (x * y) / 2],
    ['1 + x < 2', 1],
    ['1 + x > 2 * y', 1],
    ['x <= 0.3', 1],
    ['x >= 0.31', 0],
    ['(x < 1) < 1', 0],
    ['1 + 0.3*(x<0.5)', 1.3],
    ['x + y - x*y + x/y', x + y - x * y + x / y],
    ['1 - x + y', 1 - x + y],
    ['  1\n+\t2  ', 3],
  ];
  for (const [src, want] of table) assert.equal(ev(src), want, src);
});

test('number literals', () => {
  const table: [string, number][] = [
    ['1', 1],
    ['007', 7],
    ['1.5', 1.5],
    ['.5', 0.5],
    ['1.', 1],
    ['1e-3', 1e-3],
    ['1E3', 1000],
    ['2.5e+2', 250],
    ['.5e1', 5],
    ['0.1', 0.1],
    ['5e-324', 5e-324],
    ['1.7976931348623157e308', Number.MAX_VALUE],
  ];
  for (const [src, want] of table) assert.equal(ev(src), want, src);
  assertError('1e', [/malformed number '1e'/, /column 1/]);
  assertError('2e+x', [/malformed number/, /column 1/]);
  assertError('1e400', [/1e400/, /column 1/]);
  assertError('1.2.3', [/unexpected number '.3'/, /column 4/]);
});

test('constants and every function', () => {
  assert.equal(ev('pi'), Math.PI);
  assert.equal(ev('e'), Math.E);
  const unary = ['sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'sinh', 'cosh', 'tanh', 'exp', 'log', 'log10', 'sqrt', 'abs', 'floor', 'ceil', 'sign'] as const;
  for (const name of unary) {
    for (const v of [0.3, -0.7, 2.5, 0]) {
      const got = compileExpression(`${name}(x)`, ['x']).fn(v);
      assert.ok(Object.is(got, Math[name](v)), `${name}(${v}): ${got}`);
    }
  }
  assert.equal(ev('atan2(y, x)'), Math.atan2(Y, X));
  assert.equal(ev('pow(x, 3)'), Math.pow(X, 3));
  assert.equal(ev('pow(2, 10)'), 1024);
  assert.equal(ev('min(3, x, y, 1)'), Y);
  assert.equal(ev('max(3, x, y, 1)'), 3);
  assert.equal(ev('min(x)'), X);
  assert.equal(ev('max(x, y)'), X);
  assert.ok(Number.isNaN(compileExpression('min(x, 1, 2)', ['x']).fn(NaN)));
  assert.ok(Object.is(compileExpression('min(x, 0)', ['x']).fn(-0), -0));
  // Heaviside with step(0) = 1
  const step = compileExpression('step(x)', ['x']).fn;
  assert.deepEqual([step(-1), step(-1e-300), step(-0), step(0), step(2)], [0, 0, 1, 1, 1]);
  assert.ok(Number.isNaN(step(NaN)));
  // if(c, a, b): lazy, nonzero is true, NaN condition gives NaN
  const iff = compileExpression('if(x < 0.5, 1, 0.2)', ['x']).fn;
  assert.deepEqual([iff(0.1), iff(0.5), iff(0.9)], [1, 0.2, 0.2]);
  assert.ok(Number.isNaN(iff(NaN)));
  assert.equal(ev('if(x, 2, 3)', 0), 3);
  assert.equal(ev('if(x, 2, 3)', -4), 2);
  assert.equal(ev('if(1, x, y)'), X);
  assert.equal(ev('if(0, x, y)'), Y);
  // erf against mpmath (40 digits), to within 1e-15 relative
  const erfTable: [number, number][] = [
    [0.5, 0.520499877813046537682746653891941],
    [1, 0.842700792949714869341220635082581],
    [2, 0.995322265018952734162069256367243],
    [3, 0.999977909503001414558627223870422],
    [-0.3, -0.328626759459127416189617985318225],
    [5, 0.999999999998462540205571965149807],
  ];
  const erfc = compileExpression('erf(x)', ['x']).fn;
  for (const [v, want] of erfTable) {
    assert.ok(Math.abs(erfc(v) - want) <= 1e-15 * Math.abs(want), `erf(${v}) = ${erfc(v)}`);
  }
  assert.equal(erf(0), 0);
  assert.ok(Object.is(erf(-0), -0));
  assert.equal(erf(7), 1);
  assert.equal(erf(-30), -1);
  assert.equal(erf(Infinity), 1);
  assert.ok(Number.isNaN(erf(NaN)));
  assert.ok(Math.abs(erf(1e-10) - 1.1283791670955126e-10) < 1e-25);
});

test('comparisons give 1/0, propagate NaN, and cannot be chained', () => {
  const lt = compileExpression('x < y', ['x', 'y']).fn;
  assert.deepEqual([lt(1, 2), lt(2, 1), lt(1, 1)], [1, 0, 0]);
  assert.ok(Number.isNaN(lt(NaN, 1)) && Number.isNaN(lt(1, NaN)));
  const le = compileExpression('x <= y', ['x', 'y']).fn;
  assert.deepEqual([le(1, 2), le(2, 1), le(1, 1)], [1, 0, 1]);
  const gt = compileExpression('x > y', ['x', 'y']).fn;
  assert.deepEqual([gt(1, 2), gt(2, 1), gt(1, 1)], [0, 1, 0]);
  const ge = compileExpression('x >= y', ['x', 'y']).fn;
  assert.deepEqual([ge(1, 2), ge(2, 1), ge(1, 1)], [0, 1, 1]);
  assert.ok(Number.isNaN(ge(NaN, NaN)));
  assertError('0 < x < 1', [/cannot be chained/, /column 7/]);
  assert.equal(ev('(0 < x) * (x < 1)'), 1);
});

test('small integer powers use multiplication, within 2 ulp of Math.pow', () => {
  const p = (k: number) => compileExpression(`x^${k}`, ['x']).fn;
  for (const v of [0.3, -1.7, 12345.678, 1e-100, -0, NaN, Infinity]) {
    for (const k of [0, 1, 2, 3, 4, -1, -2, 0.5, 5]) {
      const got = p(k)(v);
      const want = Math.pow(v, k);
      if (Number.isNaN(want) || !Number.isFinite(want) || want === 0) assert.ok(Object.is(got, want), `${v}^${k}: ${got} vs ${want}`);
      else assert.ok(Math.abs(got - want) <= 4.5e-16 * Math.abs(want), `${v}^${k}: ${got} vs ${want}`);
    }
  }
});

test('variables: order, uses, constant folding, argument counts', () => {
  const c = compileExpression('vy * 10 + vx', ['x', 'y', 'vx', 'vy']);
  assert.equal(c.fn(0, 0, 1, 2), 21);
  assert.deepEqual([...c.uses].sort(), ['vx', 'vy']);
  assert.deepEqual(c.variables, ['x', 'y', 'vx', 'vy']);
  assert.equal(c.source, 'vy * 10 + vx');
  const k = compileExpression('2*pi + sqrt(4)', ['x']);
  assert.equal(k.uses.size, 0);
  assert.equal(k.fn(123), 2 * Math.PI + 2);
  const five = compileExpression('a + b + c + d + f', ['a', 'b', 'c', 'd', 'f']);
  assert.equal(five.fn(1, 2, 3, 4, 5), 15);
  assert.equal(compileExpression('1 + 2', []).fn(), 3);
  assert.ok(Number.isNaN(compileExpression('x + y', ['x', 'y']).fn(1)));
  assert.equal(compileExpression('rho^2/(1+rho)', ['rho']).fn(3), 9 / 4);
  assert.equal(
    compileExpression('exp(-((x-0.5)^2+(y-0.5)^2)/0.01)', ['x', 'y']).fn(0.6, 0.5),
    Math.exp(-((0.6 - 0.5) * (0.6 - 0.5) + (0.5 - 0.5) * (0.5 - 0.5)) / 0.01),
  );
  // evaluation is repeatable (the shared argument buffer is rewritten on each call)
  const g = compileExpression('x - y', ['x', 'y']);
  assert.equal(g.fn(5, 3), 2);
  assert.equal(g.fn(1, 1), 0);
});

test('invalid variable lists are programming errors: RangeError', () => {
  assert.throws(() => compileExpression('1', ['x', 'x']), RangeError);
  assert.throws(() => compileExpression('1', ['pi']), RangeError);
  assert.throws(() => compileExpression('1', ['sin']), RangeError);
  assert.throws(() => compileExpression('1', ['2x']), RangeError);
  assert.throws(() => compileExpression('1', ['x.y']), RangeError);
});

test('error messages name the problem, the offending token and the column', () => {
  assertError('x + z', [/unknown identifier 'z' at column 5/, /allowed variables: x; constants: pi, e/]);
  assertError('foo(1)', [/unknown function 'foo' at column 1/, /allowed: sin, cos/]);
  assertError('1 + sin(x', [/expected '\)' at column 10/, /column 8/]);
  assertError('(x + 1', [/expected '\)' at column 7/]);
  assertError('atan2(1)', [/wrong number of arguments to atan2/, /column 1/, /expected 2, got 1/]);
  assertError('sin(1, 2)', [/wrong number of arguments to sin/, /expected 1, got 2/]);
  assertError('min()', [/wrong number of arguments to min/, /expected at least 1, got 0/]);
  assertError('if(1, 2)', [/wrong number of arguments to if/, /expected 3, got 2/]);
  assertError('', [/empty expression/]);
  assertError('   ', [/empty expression/]);
  assertError('1 +', [/unexpected end of expression at column 4/]);
  assertError('* x', [/unexpected '\*' at column 1/]);
  assertError('x )', [/unexpected '\)' at column 3/]);
  assertError('2x', [/unexpected identifier 'x' at column 2/, /implicit multiplication/]);
  assertError('2 (x)', [/unexpected '\(' at column 3/, /implicit multiplication/]);
  assertError('x(2)', [/'x' at column 1 is not a function/]);
  assertError('sin + 1', [/function 'sin' at column 1 must be called/]);
  assertError('Sin(x)', [/unknown function 'Sin' at column 1/]);
  assertError('PI', [/unknown identifier 'PI' at column 1/, /did you mean 'pi'/]);
  assertError('x = 1', [/unexpected character '=' at column 3/]);
  assertError('x == 1', [/unexpected character '=' at column 3/]);
  assertError('x # 1', [/unexpected character '#' at column 3/]);
  assertError('x + \u00e9', [/unexpected character U\+00E9 at column 5/]);
  assertError('x\u0000', [/unexpected character U\+0000 at column 2/]);
  assertError('sin(x,)', [/unexpected '\)' at column 7/]);
  assertError('x ,', [/unexpected ',' at column 3/]);
  assertError('rho', [/unknown identifier 'rho'/, /allowed variables: none/], []);
  const e = assertError('1 +\n  q', [/column 7/]);
  assert.equal(e.column, 7);
  assert.equal(e.name, 'ExpressionError');
  assert.ok(e instanceof Error);
});

test('injection attempts are ordinary ExpressionErrors', () => {
  const attacks = [
    'constructor.constructor("return process")()',
    'process.exit(1)',
    "require('fs')",
    'globalThis',
    '__proto__',
    'this',
    'x.constructor',
    '`x`',
    '${x}',
    'constructor',
    'prototype',
    'hasOwnProperty',
    'toString()',
    'valueOf',
    'eval("1")',
    'Function("return 1")()',
    'Math.PI',
    'import("fs")',
    'x; process',
    'x[0]',
    '{}',
    'new Date()',
    'sin.constructor',
    'arguments',
    '__defineGetter__',
    'x => x',
  ];
  for (const src of attacks) {
    assert.throws(() => compileExpression(src, ['x']), ExpressionError, src);
  }
  for (const name of ['constructor', '__proto__', 'process', 'require', 'globalThis', 'toString']) {
    assertError(name, [new RegExp(`unknown identifier '${name}' at column 1`)]);
    assertError(`${name}(1)`, [new RegExp(`unknown function '${name}' at column 1`)]);
  }
});

test('deep nesting and size limits give ExpressionError, never a stack overflow', () => {
  const cases = [
    '('.repeat(10000) + 'x' + ')'.repeat(10000), // too long
    '('.repeat(4999) + 'x' + ')'.repeat(4999), // too deep
    '-'.repeat(9999) + 'x',
    'x^'.repeat(4999) + 'x',
    'sin('.repeat(1999) + 'x' + ')'.repeat(1999),
    '('.repeat(5000),
    'x' + '+'.repeat(9999),
    'x'.repeat(10001),
  ];
  for (const src of cases) {
    try {
      compileExpression(src, ['x']);
      assert.fail(`accepted ${src.slice(0, 20)}...`);
    } catch (err) {
      assert.ok(!(err instanceof RangeError), `RangeError escaped: ${String(err)}`);
      assert.ok(err instanceof ExpressionError, String(err));
    }
  }
  assertError('x'.repeat(10001), [/too long/, /10001 characters/]);
  assertError('('.repeat(4999) + 'x' + ')'.repeat(4999), [/nested too deeply/]);
  // exactly at the limits it works: 99 parentheses inside the top level, 10000 characters
  assert.equal(ev('('.repeat(99) + 'x' + ')'.repeat(99)), X);
  assertError('('.repeat(100) + 'x' + ')'.repeat(100), [/nested too deeply at column 101/]);
  const longSum = '1+'.repeat(4999) + '1'; // 9999 characters, flat: no depth problem
  assert.equal(compileExpression(longSum, []).fn(), 5000);
  const longSumX = 'x+'.repeat(4999) + 'x';
  assert.equal(compileExpression(longSumX, ['x']).fn(1), 5000);
  assert.equal(compileExpression(' '.repeat(9999) + 'x', ['x']).fn(2), 2);
});

// ------------------------------------------------------------------------------------------------
// Property tests

const ALPHABET = [
  'x', 'y', '1', '2.5', '.5', '1e3', '1e', '0', '(', ')', ',', '+', '-', '*', '/', '^', '**', '<', '<=', '>', '>=', '=',
  'sin', 'atan2', 'min', 'max', 'if', 'step', 'pi', 'e', 'z', 'constructor', '__proto__', ' ', '.', '`', '"', "'", '[', ']',
];

function compilesOrExpressionError(src: string): void {
  let c;
  try {
    c = compileExpression(src, ['x', 'y']);
  } catch (err) {
    if (err instanceof ExpressionError) return;
    throw err;
  }
  for (const [a, b] of [[0.3, -1.7], [0, 0], [NaN, 1], [1e308, -1e308]]) {
    assert.equal(typeof c.fn(a, b), 'number');
  }
}

test('property: arbitrary strings compile or throw ExpressionError, nothing else', () => {
  fc.assert(fc.property(fc.string({ maxLength: 80 }), compilesOrExpressionError), { numRuns: 2000 });
  fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 80 }), compilesOrExpressionError), { numRuns: 1000 });
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...ALPHABET), { maxLength: 40 }), (toks) => compilesOrExpressionError(toks.join(''))),
    { numRuns: 5000 },
  );
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...ALPHABET), { maxLength: 40 }), (toks) => compilesOrExpressionError(toks.join(' '))),
    { numRuns: 2000 },
  );
});

/** Random ASTs, printed to source and evaluated directly with Math.* as the reference. */
type T =
  | { t: 'num'; v: number }
  | { t: 'var'; name: 'x' | 'y' }
  | { t: 'neg'; a: T }
  | { t: 'bin'; op: '+' | '-' | '*' | '/'; a: T; b: T }
  | { t: 'pow'; a: T; b: T }
  | { t: 'cmp'; op: '<' | '<=' | '>' | '>='; a: T; b: T }
  | { t: 'call'; f: string; args: T[] };

const UNARY_FNS = ['sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'sinh', 'cosh', 'tanh', 'exp', 'log', 'log10', 'sqrt', 'abs', 'floor', 'ceil', 'sign', 'step'] as const;

function reference(n: T, x: number, y: number): number {
  switch (n.t) {
    case 'num':
      return n.v;
    case 'var':
      return n.name === 'x' ? x : y;
    case 'neg':
      return -reference(n.a, x, y);
    case 'bin': {
      const a = reference(n.a, x, y);
      const b = reference(n.b, x, y);
      return n.op === '+' ? a + b : n.op === '-' ? a - b : n.op === '*' ? a * b : a / b;
    }
    case 'pow':
      return Math.pow(reference(n.a, x, y), reference(n.b, x, y));
    case 'cmp': {
      const a = reference(n.a, x, y);
      const b = reference(n.b, x, y);
      if (Number.isNaN(a) || Number.isNaN(b)) return NaN;
      const r = n.op === '<' ? a < b : n.op === '<=' ? a <= b : n.op === '>' ? a > b : a >= b;
      return r ? 1 : 0;
    }
    case 'call': {
      const v = n.args.map((a) => reference(a, x, y));
      switch (n.f) {
        case 'step':
          return Number.isNaN(v[0]) ? NaN : v[0] >= 0 ? 1 : 0;
        case 'if':
          return Number.isNaN(v[0]) ? NaN : v[0] !== 0 ? v[1] : v[2];
        case 'atan2':
          return Math.atan2(v[0], v[1]);
        case 'pow':
          return Math.pow(v[0], v[1]);
        case 'min':
          return Math.min(...v);
        case 'max':
          return Math.max(...v);
        default:
          return (Math[n.f as (typeof UNARY_FNS)[number] & keyof Math] as (a: number) => number)(v[0]);
      }
    }
  }
}

// Binding strength for the minimal-parentheses printer: cmp 1, +- 2, */ 3, unary 4, ^ 5, atom 6.
function prec(n: T): number {
  switch (n.t) {
    case 'num': // negative literals are printed parenthesised
    case 'var':
    case 'call':
      return 6;
    case 'neg':
      return 4;
    case 'bin':
      return n.op === '+' || n.op === '-' ? 2 : 3;
    case 'pow':
      return 5;
    case 'cmp':
      return 1;
  }
}

function printNum(v: number): string {
  return v < 0 || Object.is(v, -0) ? `(-${String(-v)})` : String(v);
}

/** Prints with the fewest parentheses the grammar needs: a direct test of precedence and associativity. */
function printMin(n: T, powOp: string): string {
  const sub = (c: T, need: number): string => (prec(c) >= need ? printMin(c, powOp) : `(${printMin(c, powOp)})`);
  switch (n.t) {
    case 'num':
      return printNum(n.v);
    case 'var':
      return n.name;
    case 'neg':
      return `-${sub(n.a, 4)}`;
    case 'bin': {
      const p = prec(n);
      return `${sub(n.a, p)} ${n.op} ${sub(n.b, p + 1)}`;
    }
    case 'pow':
      return `${sub(n.a, 6)}${powOp}${sub(n.b, 4)}`;
    case 'cmp':
      return `${sub(n.a, 2)} ${n.op} ${sub(n.b, 2)}`;
    case 'call':
      return `${n.f}(${n.args.map((a) => printMin(a, powOp)).join(', ')})`;
  }
}

/** Prints every compound subexpression in parentheses. */
function printFull(n: T): string {
  switch (n.t) {
    case 'num':
      return printNum(n.v);
    case 'var':
      return n.name;
    case 'neg':
      return `(-${printFull(n.a)})`;
    case 'bin':
      return `(${printFull(n.a)}${n.op}${printFull(n.b)})`;
    case 'pow':
      return `(${printFull(n.a)}^${printFull(n.b)})`;
    case 'cmp':
      return `(${printFull(n.a)}${n.op}${printFull(n.b)})`;
    case 'call':
      return `${n.f}(${n.args.map(printFull).join(',')})`;
  }
}

// Constant exponents 3 and 4 are computed by multiplication (within 2 ulp, tested above); every
// other path evaluates exactly the same IEEE operations in the same order as the reference,
// so the comparison below is bit-for-bit. Exponents are therefore literals from a safe set or non-constant.
const { tree } = fc.letrec<{ tree: T; leaf: T }>((tie) => ({
  leaf: fc.oneof(
    fc.double({ noDefaultInfinity: true, noNaN: true }).map((v): T => ({ t: 'num', v })),
    fc.integer({ min: -5, max: 5 }).map((v): T => ({ t: 'num', v })),
    fc.constantFrom<T>({ t: 'var', name: 'x' }, { t: 'var', name: 'y' }),
  ),
  tree: fc.oneof(
    { maxDepth: 6, depthIdentifier: 'tree' },
    tie('leaf'),
    tie('leaf'),
    tie('tree').map((a): T => ({ t: 'neg', a })),
    fc.record({ op: fc.constantFrom('+' as const, '-' as const, '*' as const, '/' as const), a: tie('tree'), b: tie('tree') }).map((r): T => ({ t: 'bin', ...r })),
    fc
      .record({
        a: tie('tree'),
        b: fc.constantFrom<T>(
          { t: 'num', v: 0 }, { t: 'num', v: 1 }, { t: 'num', v: -1 }, { t: 'num', v: 2 }, { t: 'num', v: 0.5 }, { t: 'num', v: -2 },
          { t: 'num', v: 1.5 }, { t: 'num', v: 5 }, { t: 'var', name: 'y' }, { t: 'neg', a: { t: 'var', name: 'y' } },
          // non-constant compound exponents exercise right-associativity and 2^-y^2 = 2^(-(y^2))
          { t: 'pow', a: { t: 'var', name: 'y' }, b: { t: 'num', v: 2 } },
          { t: 'pow', a: { t: 'var', name: 'y' }, b: { t: 'var', name: 'x' } },
          { t: 'neg', a: { t: 'pow', a: { t: 'var', name: 'y' }, b: { t: 'num', v: 2 } } },
        ),
      })
      .map((r): T => ({ t: 'pow', ...r })),
    fc.record({ op: fc.constantFrom('<' as const, '<=' as const, '>' as const, '>=' as const), a: tie('tree'), b: tie('tree') }).map((r): T => ({ t: 'cmp', ...r })),
    fc.record({ f: fc.constantFrom(...UNARY_FNS), a: tie('tree') }).map((r): T => ({ t: 'call', f: r.f, args: [r.a] })),
    fc.record({ f: fc.constantFrom('atan2', 'pow'), a: tie('tree'), b: tie('tree') }).map((r): T => ({ t: 'call', f: r.f, args: [r.a, r.b] })),
    fc.record({ f: fc.constantFrom('min', 'max'), args: fc.array(tie('tree'), { minLength: 1, maxLength: 4 }) }).map((r): T => ({ t: 'call', ...r })),
    fc.tuple(tie('tree'), tie('tree'), tie('tree')).map(([c, a, b]): T => ({ t: 'call', f: 'if', args: [c, a, b] })),
  ),
}));

const sample = fc.oneof(fc.double(), fc.double({ min: -3, max: 3, noNaN: true }), fc.constantFrom(0, -0, 1, -1, 0.5));

test('property: random well-formed ASTs, printed, evaluate exactly like Math.* on the AST', () => {
  fc.assert(
    fc.property(tree, sample, sample, fc.constantFrom('^', '**', ' ^ '), (ast, x, y, powOp) => {
      const want = reference(ast, x, y);
      for (const src of [printMin(ast, powOp), printFull(ast)]) {
        const got = compileExpression(src, ['x', 'y']).fn(x, y);
        assert.ok(Object.is(got, want), `${src} at x=${x}, y=${y}: got ${got}, want ${want}`);
      }
    }),
    { numRuns: 3000 },
  );
});
