/**
 * Exact solutions of the limit equation d_t rho = div(rho^-alpha grad rho) in R^d in the paper's
 * alpha convention (lambda = rho^alpha, D = rho^-alpha; m = 1 - alpha in the porous-medium literature's
 * u_t = Delta u^m / m), used as references by the tests (derivations: docs/diffusion-scheme.md
 * "Exact solutions"). Each is radial: rho(r, t) with r = |x|.
 *
 *  - Barenblatt–Pattle (alpha < 2/d, alpha != 0): rho = t^(-d b) F(r t^(-b)), b = 1/(2 - d alpha),
 *    F(xi) = (C + (alpha b / 2) xi^2)_+^(-1/alpha). alpha < 0 (porous medium): compact support,
 *    front r_f = t^b (2C / (|alpha| b))^(1/2). 0 < alpha < 2/d (fast diffusion): positive, tail
 *    rho^alpha -> 2 t / (alpha b r^2). Barenblatt 1952, Pattle 1959; Vazquez, "The Porous Medium
 *    Equation" (2007) §4.4 and "Smoothing and Decay Estimates" (2006) §2.2 (with m = 1 - alpha).
 *  - the heat kernel (alpha = 0): rho = M (4 pi t)^(-d/2) exp(-r^2/(4t)).
 *  - 2D logarithmic diffusion (alpha = 1, d = 2, rho_t = Delta log rho), finite mass lost at 8 pi per
 *    unit time (tail r^-4, gamma = 4; King 1993, Rosenau 1995, Daskalopoulos & del Pino 1995):
 *      sphere:        rho = 8 L (T - t) / (1 + L r^2)^2,                mass 8 pi (T - t);
 *      King–Rosenau:  rho = 4 sinh(2 tau) / (1 + 2 r^2 cosh(2 tau) + r^4), tau = T - t, mass 8 pi tau.
 */

export interface RadialSolution {
  /** The density at radius r = |x| and time t. */
  rho(r: number, t: number): number;
  /** Total mass in R^d at time t. */
  mass(t: number): number;
}

/** Gamma function (Lanczos, g = 7, 9 terms; relative accuracy ~1e-15 for x > 0). */
export function gamma(x: number): number {
  if (x < 0.5) return Math.PI / (Math.sin(Math.PI * x) * gamma(1 - x));
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  const z = x - 1;
  let a = c[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (z + i);
  return Math.sqrt(2 * Math.PI) * Math.pow(t, z + 0.5) * Math.exp(-t) * a;
}

export interface Barenblatt extends RadialSolution {
  readonly alpha: number;
  readonly d: number;
  readonly b: number;
  readonly C: number;
  /** The front r_f(t) (alpha < 0), Infinity otherwise. */
  front(t: number): number;
}

/** The Barenblatt–Pattle solution with constant C > 0 (alpha < 2/d, alpha != 0). */
export function barenblatt(alpha: number, d: number, C: number): Barenblatt {
  if (!(alpha < 2 / d) || alpha === 0) throw new RangeError(`barenblatt: needs alpha < 2/d and alpha != 0 (got alpha = ${alpha}, d = ${d})`);
  const b = 1 / (2 - d * alpha);
  const k = (Math.abs(alpha) * b) / 2;
  const p = 1 / Math.abs(alpha);
  // mass = C^(p + d/2) k^(-d/2) pi^(d/2) Gamma(p+1)/Gamma(p+d/2+1) (alpha < 0), C^(d/2 - p) ... Gamma(p - d/2)/Gamma(p) (alpha > 0)
  const M = alpha < 0
    ? (Math.pow(C, p + d / 2) * Math.pow(Math.PI / k, d / 2) * gamma(p + 1)) / gamma(p + d / 2 + 1)
    : (Math.pow(C, d / 2 - p) * Math.pow(Math.PI / k, d / 2) * gamma(p - d / 2)) / gamma(p);
  return {
    alpha, d, b, C,
    rho(r, t) {
      const xi2 = (r * r) / Math.pow(t, 2 * b);
      const base = C + ((alpha * b) / 2) * xi2;
      if (!(base > 0)) return 0;
      return Math.pow(t, -d * b) * Math.pow(base, -1 / alpha);
    },
    mass: () => M,
    front: (t) => (alpha < 0 ? Math.pow(t, b) * Math.sqrt((2 * C) / (Math.abs(alpha) * b)) : Infinity),
  };
}

/** The heat kernel of mass M in R^d (alpha = 0). */
export function heatKernel(d: number, M: number): RadialSolution {
  return {
    rho: (r, t) => M * Math.pow(4 * Math.PI * t, -d / 2) * Math.exp((-r * r) / (4 * t)),
    mass: () => M,
  };
}

/** 2D log diffusion: the shrinking sphere 8 L (T - t) / (1 + L r^2)^2 (extinct at T). */
export function logSphere(L: number, T: number): RadialSolution {
  return {
    rho: (r, t) => (8 * L * (T - t)) / (1 + L * r * r) ** 2,
    mass: (t) => 8 * Math.PI * (T - t),
  };
}

/** 2D log diffusion: the King–Rosenau solution 4 sinh(2 tau) / (1 + 2 r^2 cosh(2 tau) + r^4), tau = T - t. */
export function kingRosenau(T: number): RadialSolution {
  return {
    rho(r, t) {
      const tau = T - t;
      const r2 = r * r;
      return (4 * Math.sinh(2 * tau)) / (1 + 2 * r2 * Math.cosh(2 * tau) + r2 * r2);
    },
    mass: (t) => 8 * Math.PI * (T - t),
  };
}
