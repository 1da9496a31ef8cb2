/**
 * Eigenvalues of a small dense complex matrix (n ≤ a few hundred): Householder reduction to upper
 * Hessenberg form, then the single-shift complex QR algorithm with Wilkinson shifts, Givens
 * rotations and deflation on negligible subdiagonals (Golub & Van Loan, Matrix Computations,
 * 4th ed., §7.4–7.5; EISPACK comqr). Eigenvalues only; O(n³) work.
 */

export interface ComplexMatrix {
  n: number;
  /** Row-major real and imaginary parts, entry (i, j) at i * n + j. */
  re: Float64Array;
  im: Float64Array;
}

export interface Eigenvalue {
  re: number;
  im: number;
}

/** All eigenvalues of `A` (A is not modified). Throws if the QR iteration does not converge. */
export function complexEigenvalues(A: ComplexMatrix): Eigenvalue[] {
  const n = A.n;
  const hr = Float64Array.from(A.re);
  const hi = Float64Array.from(A.im);
  const at = (i: number, j: number) => i * n + j;

  // --- Householder reduction to Hessenberg form ---
  const vr = new Float64Array(n);
  const vi = new Float64Array(n);
  for (let k = 0; k < n - 2; k++) {
    let norm2 = 0;
    for (let i = k + 1; i < n; i++) norm2 += hr[at(i, k)] ** 2 + hi[at(i, k)] ** 2;
    const norm = Math.sqrt(norm2);
    if (norm === 0) continue;
    const x0r = hr[at(k + 1, k)];
    const x0i = hi[at(k + 1, k)];
    const ax0 = Math.hypot(x0r, x0i);
    const pr = ax0 === 0 ? 1 : x0r / ax0;
    const pi = ax0 === 0 ? 0 : x0i / ax0;
    // v = x + e^{i arg x0} ||x|| e1 (alpha = −e^{i arg x0}||x||)
    for (let i = 0; i < n; i++) vr[i] = vi[i] = 0;
    for (let i = k + 1; i < n; i++) {
      vr[i] = hr[at(i, k)];
      vi[i] = hi[at(i, k)];
    }
    vr[k + 1] += pr * norm;
    vi[k + 1] += pi * norm;
    let vn = 0;
    for (let i = k + 1; i < n; i++) vn += vr[i] * vr[i] + vi[i] * vi[i];
    vn = Math.sqrt(vn);
    if (vn === 0) continue;
    for (let i = k + 1; i < n; i++) {
      vr[i] /= vn;
      vi[i] /= vn;
    }
    // H ← (I − 2 v vᴴ) H
    for (let j = k; j < n; j++) {
      let sr = 0;
      let si = 0;
      for (let i = k + 1; i < n; i++) {
        const a = hr[at(i, j)];
        const b = hi[at(i, j)];
        sr += vr[i] * a + vi[i] * b; // conj(v_i) * H_ij
        si += vr[i] * b - vi[i] * a;
      }
      for (let i = k + 1; i < n; i++) {
        hr[at(i, j)] -= 2 * (vr[i] * sr - vi[i] * si);
        hi[at(i, j)] -= 2 * (vr[i] * si + vi[i] * sr);
      }
    }
    // H ← H (I − 2 v vᴴ)
    for (let i = 0; i < n; i++) {
      let sr = 0;
      let si = 0;
      for (let j = k + 1; j < n; j++) {
        const a = hr[at(i, j)];
        const b = hi[at(i, j)];
        sr += a * vr[j] - b * vi[j];
        si += a * vi[j] + b * vr[j];
      }
      for (let j = k + 1; j < n; j++) {
        // −2 s conj(v_j)
        hr[at(i, j)] -= 2 * (sr * vr[j] + si * vi[j]);
        hi[at(i, j)] -= 2 * (si * vr[j] - sr * vi[j]);
      }
    }
    for (let i = k + 2; i < n; i++) hr[at(i, k)] = hi[at(i, k)] = 0;
  }

  // --- shifted QR on the Hessenberg matrix ---
  const out: Eigenvalue[] = [];
  const cs = new Float64Array(n);
  const sr_ = new Float64Array(n);
  const si_ = new Float64Array(n);
  const ulp = 2.220446049250313e-16;
  let hiIdx = n - 1;
  let iter = 0;
  let total = 0;
  while (hiIdx >= 0) {
    if (hiIdx === 0) {
      out.push({ re: hr[0], im: hi[0] });
      break;
    }
    // find l: start of the active unreduced block
    let l = hiIdx;
    while (l > 0) {
      const s = Math.abs(hr[at(l - 1, l - 1)]) + Math.abs(hi[at(l - 1, l - 1)]) + Math.abs(hr[at(l, l)]) + Math.abs(hi[at(l, l)]);
      const sub = Math.abs(hr[at(l, l - 1)]) + Math.abs(hi[at(l, l - 1)]);
      if (sub <= ulp * (s === 0 ? 1 : s)) {
        hr[at(l, l - 1)] = hi[at(l, l - 1)] = 0;
        break;
      }
      l--;
    }
    if (l === hiIdx) {
      out.push({ re: hr[at(hiIdx, hiIdx)], im: hi[at(hiIdx, hiIdx)] });
      hiIdx--;
      iter = 0;
      continue;
    }
    iter++;
    total++;
    if (total > 60 * n) throw new Error('complexEigenvalues: QR iteration did not converge');
    // Wilkinson shift from the trailing 2×2 block
    const m = hiIdx;
    const ar = hr[at(m - 1, m - 1)], ai = hi[at(m - 1, m - 1)];
    const br = hr[at(m - 1, m)], bi = hi[at(m - 1, m)];
    const cr = hr[at(m, m - 1)], ci = hi[at(m, m - 1)];
    const dr = hr[at(m, m)], di = hi[at(m, m)];
    let mur: number;
    let mui: number;
    if (iter % 11 === 10) {
      // exceptional shift
      mur = dr + 0.75 * Math.abs(cr);
      mui = di + 0.75 * Math.abs(ci);
    } else {
      const hr2 = (ar - dr) / 2;
      const hi2 = (ai - di) / 2;
      // disc = hr2² + b c
      const discR = hr2 * hr2 - hi2 * hi2 + (br * cr - bi * ci);
      const discI = 2 * hr2 * hi2 + (br * ci + bi * cr);
      const [sqR, sqI] = csqrt(discR, discI);
      const trR = (ar + dr) / 2;
      const trI = (ai + di) / 2;
      const e1r = trR + sqR, e1i = trI + sqI;
      const e2r = trR - sqR, e2i = trI - sqI;
      if (Math.hypot(e1r - dr, e1i - di) <= Math.hypot(e2r - dr, e2i - di)) {
        mur = e1r;
        mui = e1i;
      } else {
        mur = e2r;
        mui = e2i;
      }
    }
    for (let k = l; k <= m; k++) {
      hr[at(k, k)] -= mur;
      hi[at(k, k)] -= mui;
    }
    // QR: rotations G_k zero H[k+1][k]
    for (let k = l; k < m; k++) {
      const xr = hr[at(k, k)], xi = hi[at(k, k)];
      const yr = hr[at(k + 1, k)], yi = hi[at(k + 1, k)];
      const ax = Math.hypot(xr, xi);
      const r = Math.hypot(ax, Math.hypot(yr, yi));
      let c: number, sR: number, sI: number;
      if (r === 0) {
        c = 1;
        sR = sI = 0;
      } else if (ax === 0) {
        c = 0;
        // s = conj(y)/|y| so that c x + s y = |y|
        const ay = Math.hypot(yr, yi);
        sR = yr / ay;
        sI = -yi / ay;
      } else {
        c = ax / r;
        // s = (x/|x|) conj(y) / r
        const ur = xr / ax, ui = xi / ax;
        sR = (ur * yr + ui * yi) / r;
        sI = (ui * yr - ur * yi) / r;
      }
      cs[k] = c;
      sr_[k] = sR;
      si_[k] = sI;
      for (let j = k; j <= m; j++) {
        const pr = hr[at(k, j)], pi = hi[at(k, j)];
        const qr = hr[at(k + 1, j)], qi = hi[at(k + 1, j)];
        // row k: c p + s q ; row k+1: −conj(s) p + c q
        hr[at(k, j)] = c * pr + (sR * qr - sI * qi);
        hi[at(k, j)] = c * pi + (sR * qi + sI * qr);
        hr[at(k + 1, j)] = -(sR * pr + sI * pi) + c * qr;
        hi[at(k + 1, j)] = -(sR * pi - sI * pr) + c * qi;
      }
    }
    // RQ: apply G_kᴴ on the right
    for (let k = l; k < m; k++) {
      const c = cs[k], sR = sr_[k], sI = si_[k];
      const top = Math.min(k + 2, m);
      for (let i = l; i <= top; i++) {
        const pr = hr[at(i, k)], pi = hi[at(i, k)];
        const qr = hr[at(i, k + 1)], qi = hi[at(i, k + 1)];
        // col k: p c + q conj(s) ; col k+1: −p s + q c
        hr[at(i, k)] = pr * c + (qr * sR + qi * sI);
        hi[at(i, k)] = pi * c + (qi * sR - qr * sI);
        hr[at(i, k + 1)] = -(pr * sR - pi * sI) + qr * c;
        hi[at(i, k + 1)] = -(pr * sI + pi * sR) + qi * c;
      }
    }
    for (let k = l; k <= m; k++) {
      hr[at(k, k)] += mur;
      hi[at(k, k)] += mui;
    }
  }
  return out;
}

function csqrt(re: number, im: number): [number, number] {
  const r = Math.hypot(re, im);
  if (r === 0) return [0, 0];
  const a = Math.sqrt((r + Math.abs(re)) / 2);
  if (re >= 0) return [a, im / (2 * a)];
  return [Math.abs(im) / (2 * a), im >= 0 ? a : -a];
}
