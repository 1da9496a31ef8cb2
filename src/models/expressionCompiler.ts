/**
 * Compilation of the expression language's AST (./expressionParser.ts) into a tree of closures over a
 * Float64Array of variable values, folding constant subexpressions and evaluating left to right as written.
 */
import type { Ast, CmpOp } from './expressionParser.js';
import type { Fn1, FunctionSpec } from './expressionNames.js';

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

export function compileNode(a: Ast): Compiled {
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
