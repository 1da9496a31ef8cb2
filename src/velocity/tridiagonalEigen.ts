/**
 * Eigenvalues of a symmetric tridiagonal matrix by the implicit QL method with Wilkinson shifts
 * (eigenvalues only, O(n²)): the Golub–Welsch step of every Gauss rule here — the Gauss–Hermite
 * nodes (./gaussHermite.ts, zero diagonal) and the half-range rules of the Milne problem
 * (solvers/kinetic/milne.ts).
 * References: Bowdler, Martin, Reinsch & Wilkinson, "The QR and QL algorithms for symmetric
 * matrices", Numer. Math. 11 (1968) 293–306 (tql1); Press et al., Numerical Recipes, §11.3 (tqli);
 * Golub & Welsch, "Calculation of Gauss quadrature rules", Math. Comp. 23 (1969) 221–230.
 */

/**
 * Eigenvalues (ascending) of the n × n symmetric tridiagonal matrix with diagonal `diag` (length n)
 * and off-diagonal `offd[k]` coupling rows k − 1 and k (k = 1 … n − 1; offd[0] is not read).
 * `who` names the caller in the (internal) error thrown when a shift sequence does not converge.
 */
export function symmetricTridiagonalEigenvalues(diag: ArrayLike<number>, offd: ArrayLike<number>, who: string): Float64Array {
  const n = diag.length;
  const d = Float64Array.from(diag);
  const e = new Float64Array(n); // e[i] couples i and i+1; e[n-1] = 0
  for (let i = 0; i < n - 1; i++) e[i] = offd[i + 1];
  for (let l = 0; l < n; l++) {
    let iter = 0;
    let m: number;
    do {
      for (m = l; m < n - 1; m++) {
        const dd = Math.abs(d[m]) + Math.abs(d[m + 1]);
        if (Math.abs(e[m]) <= Number.EPSILON * dd) break;
      }
      if (m !== l) {
        if (iter++ === 60) throw new Error(`${who}: QL iteration did not converge (internal error)`);
        let g = (d[l + 1] - d[l]) / (2 * e[l]);
        let r = Math.hypot(g, 1);
        g = d[m] - d[l] + e[l] / (g + (g >= 0 ? r : -r));
        let s = 1;
        let c = 1;
        let p = 0;
        let i: number;
        let underflow = false;
        for (i = m - 1; i >= l; i--) {
          const f = s * e[i];
          const b = c * e[i];
          r = Math.hypot(f, g);
          e[i + 1] = r;
          if (r === 0) {
            d[i + 1] -= p;
            e[m] = 0;
            underflow = true;
            break;
          }
          s = f / r;
          c = g / r;
          g = d[i + 1] - p;
          r = (d[i] - g) * s + 2 * c * b;
          p = s * r;
          d[i + 1] = g + p;
          g = c * r - b;
        }
        if (underflow) continue;
        d[l] -= p;
        e[l] = g;
        e[m] = 0;
      }
    } while (m !== l);
  }
  return d.sort();
}
