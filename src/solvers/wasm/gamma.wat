;; The kinetic steppers' blending weights γ = exp(−z²) as WebAssembly, bitwise the same as the JavaScript loops
;; (ApTransport2D.gammas, src/solvers/transport/apTransport2d.ts; ApFaces1D.computeGamma, apFaces1d.ts), which
;; call Math.exp.
;;
;; The exponential is a port of fdlibm's e_exp.c (Sun Microsystems, 1993) as V8 compiles it for Math.exp
;; (v8/src/base/ieee754.cc, `exp`; Node 20's copy: deps/v8/src/base/ieee754.cc): the same constants, the same
;; branches on the high word of |x| and the same IEEE operations in the same order, so the same bits for every
;; argument (test/gammaWasm.test.ts compares them with Math.exp). Method (fdlibm's comment, condensed):
;;   1. x = k ln2 + r, |r| ≤ 0.5 ln2, r = hi − lo (k = ±1 for 0.5 ln2 < |x| < 1.5 ln2, k = 0 below 0.5 ln2);
;;   2. c = r − r²(P1 + r²(P2 + … + r² P5)) (Remez, error < 2^−59),
;;      exp(r) = 1 − ((r c)/(c − 2) − r) for k = 0, else 1 − ((lo − (r c)/(2 − c)) − hi);
;;   3. exp(x) = 2^k exp(r) (scaled by 2^(k+1000) · 2^−1000 where 2^k would be subnormal, 2 · 2^1023 for k = 1024);
;;   |x| < 2^−28: 1 + x; x > 709.78…: +∞; x < −745.13…: +0; NaN: x + x; exp(1) = e exactly.
;; $exp is that function on one f64, branch for branch (the scalar last face of an odd count; expArrayScalar). The
;; face loop ($gammaCore) runs it on two lanes (f64x2) specialised to its arguments x = −z² ≤ −0 (or NaN), the
;; branches as lane masks with one path for all lanes (see $gammaCore): bitwise $exp because for x ≤ −0 fdlibm's
;; k = −1 branch is the general k = trunc(x/ln2 − 1/2) = −1, (r c)/(c − 2) = −((r c)/(2 − c)) and, for k = 0
;; (lo = +0, hi = x), 1 − ((lo − q) − hi) = 1 − (−q − x) exactly (q ≠ 0 there). Measured (Node 20, best of 40
;; alternating runs): 4.1 ns per exponential on two lanes (expNegArray), 6.2 per face for the whole γ loop
;; (gammaFaces: the division z0 / Df, the exponential, <v²(1 − γ)>, the maximum), against 9.3 for $exp and 9.5 for
;; Math.exp; without the constants in mutable globals (V8 rematerialised them inside the loop) 5.7 and 7.7, without
;; the two-stage pipelining 4.1 and 6.5, the generic two-lane version with every special case as a select
;; (overflow, k = 1024, exp(1)) 10.5.
;;
;; gammaFaces is the loop over the faces for one distinct |v| (z0 = h / (eps |v|)): z = z0 / Df, γ = z² > cut ? 0 :
;; exp(−z²), v2b += c (1 − γ), returning the largest γ (`if (γ > mx) mx = γ` from 0: NaN never taken), two faces per
;; f64x2 and an odd last one with $exp; expNegArray is its exponential alone (the bitwise test's entry). Pointers are
;; byte addresses in the imported (shared) memory. Built by scripts/build-wasm.mjs.
(module
  (import "env" "memory" (memory 1 65536 shared))

  (global $oThreshold f64 (f64.const 0x1.62e42fefa39efp+9))   ;; 7.09782712893383973096e+02 (0x40862E42 FEFA39EF)
  (global $uThreshold f64 (f64.const -0x1.74910d52d3051p+9))  ;; −7.45133219101941108420e+02 (0xC0874910 D52D3051)
  (global $ln2HI f64 (f64.const 0x1.62e42feep-1))             ;; 6.93147180369123816490e-01 (0x3FE62E42 FEE00000)
  (global $ln2LO f64 (f64.const 0x1.a39ef35793c76p-33))       ;; 1.90821492927058770002e-10 (0x3DEA39EF 35793C76)
  (global $invln2 f64 (f64.const 0x1.71547652b82fep+0))       ;; 1.44269504088896338700e+00 (0x3FF71547 652B82FE)
  (global $P1 f64 (f64.const 0x1.555555555553ep-3))           ;; 1.66666666666666019037e-01 (0x3FC55555 5555553E)
  (global $P2 f64 (f64.const -0x1.6c16c16bebd93p-9))          ;; −2.77777777770155933842e-03 (0xBF66C16C 16BEBD93)
  (global $P3 f64 (f64.const 0x1.1566aaf25de2cp-14))          ;; 6.61375632143793436117e-05 (0x3F11566A AF25DE2C)
  (global $P4 f64 (f64.const -0x1.bbd41c5d26bf1p-20))         ;; −1.65339022054652515390e-06 (0xBEBBBD41 C5D26BF1)
  (global $P5 f64 (f64.const 0x1.6376972bea4d0p-25))          ;; 4.13813679705723846039e-08 (0x3E663769 72BEA4D0)
  (global $E f64 (f64.const 0x1.5bf0a8b145769p+1))            ;; 2.718281828459045 (0x4005BF0A 8B145769)
  (global $twom1000 f64 (f64.const 0x1p-1000))
  (global $two1023 f64 (f64.const 0x1p1023))
  ;; $gammaCore's constants on two lanes (mutable: see there; never written but for the three parameter ones)
  (global $vZ0 (mut v128) (v128.const f64x2 0 0))
  (global $vC (mut v128) (v128.const f64x2 0 0))
  (global $vLow (mut v128) (v128.const f64x2 0 0))
  (global $vRed (mut v128) (v128.const f64x2 -0x1.62e43p-2 -0x1.62e43p-2))  ;; −(0x3FD62E43 00000000)
  (global $vTiny (mut v128) (v128.const f64x2 -0x1p-28 -0x1p-28))           ;; −(0x3E300000 00000000)
  (global $vInvln2 (mut v128) (v128.const f64x2 0x1.71547652b82fep+0 0x1.71547652b82fep+0))
  (global $vHalf (mut v128) (v128.const f64x2 -0.5 -0.5))
  (global $vLn2HI (mut v128) (v128.const f64x2 0x1.62e42feep-1 0x1.62e42feep-1))
  (global $vLn2LO (mut v128) (v128.const f64x2 0x1.a39ef35793c76p-33 0x1.a39ef35793c76p-33))
  (global $vP1 (mut v128) (v128.const f64x2 0x1.555555555553ep-3 0x1.555555555553ep-3))
  (global $vP2 (mut v128) (v128.const f64x2 -0x1.6c16c16bebd93p-9 -0x1.6c16c16bebd93p-9))
  (global $vP3 (mut v128) (v128.const f64x2 0x1.1566aaf25de2cp-14 0x1.1566aaf25de2cp-14))
  (global $vP4 (mut v128) (v128.const f64x2 -0x1.bbd41c5d26bf1p-20 -0x1.bbd41c5d26bf1p-20))
  (global $vP5 (mut v128) (v128.const f64x2 0x1.6376972bea4d0p-25 0x1.6376972bea4d0p-25))
  (global $vOne (mut v128) (v128.const f64x2 1 1))
  (global $vTwo (mut v128) (v128.const f64x2 2 2))
  (global $vBias (mut v128) (v128.const f64x2 0x1.00000000007e7p+52 0x1.00000000007e7p+52)) ;; 2^52 + 2023: bits 2^52 + 1023 + 1000 + k
  (global $vTwom1000 (mut v128) (v128.const f64x2 0x1p-1000 0x1p-1000))

  ;; fdlibm exp, branch for branch
  (func $exp (param $x f64) (result f64)
    (local $bits i64) (local $hx i32) (local $xsb i32) (local $k i32)
    (local $hi f64) (local $lo f64) (local $t f64) (local $c f64) (local $y f64) (local $twopk f64)
    (local.set $bits (i64.reinterpret_f64 (local.get $x)))
    (local.set $hx (i32.wrap_i64 (i64.shr_u (local.get $bits) (i64.const 32))))
    (local.set $xsb (i32.shr_u (local.get $hx) (i32.const 31)))
    (local.set $hx (i32.and (local.get $hx) (i32.const 0x7fffffff)))
    ;; non-finite, overflow, underflow
    (if (i32.ge_u (local.get $hx) (i32.const 0x40862e42))
      (then
        (if (i32.ge_u (local.get $hx) (i32.const 0x7ff00000))
          (then
            (if (i64.ne (i64.and (local.get $bits) (i64.const 0x000fffffffffffff)) (i64.const 0))
              (then (return (f64.add (local.get $x) (local.get $x)))))
            (if (i32.eqz (local.get $xsb)) (then (return (local.get $x))))
            (return (f64.const 0))))
        (if (f64.gt (local.get $x) (global.get $oThreshold)) (then (return (f64.const inf))))
        (if (f64.lt (local.get $x) (global.get $uThreshold)) (then (return (f64.const 0))))))
    ;; argument reduction
    (if (i32.gt_u (local.get $hx) (i32.const 0x3fd62e42))
      (then
        (if (i32.lt_u (local.get $hx) (i32.const 0x3ff0a2b2))
          (then
            (if (f64.eq (local.get $x) (f64.const 1)) (then (return (global.get $E))))
            (if (local.get $xsb)
              (then
                (local.set $hi (f64.sub (local.get $x) (f64.neg (global.get $ln2HI))))
                (local.set $lo (f64.neg (global.get $ln2LO)))
                (local.set $k (i32.const -1)))
              (else
                (local.set $hi (f64.sub (local.get $x) (global.get $ln2HI)))
                (local.set $lo (global.get $ln2LO))
                (local.set $k (i32.const 1)))))
          (else
            (local.set $k (i32.trunc_f64_s (f64.add (f64.mul (global.get $invln2) (local.get $x))
              (select (f64.const -0.5) (f64.const 0.5) (local.get $xsb)))))
            (local.set $t (f64.convert_i32_s (local.get $k)))
            (local.set $hi (f64.sub (local.get $x) (f64.mul (local.get $t) (global.get $ln2HI))))
            (local.set $lo (f64.mul (local.get $t) (global.get $ln2LO)))))
        (local.set $x (f64.sub (local.get $hi) (local.get $lo))))
      (else
        (if (i32.lt_u (local.get $hx) (i32.const 0x3e300000))
          (then (return (f64.add (f64.const 1) (local.get $x)))))
        (local.set $k (i32.const 0))))
    ;; x is now in the primary range
    (local.set $t (f64.mul (local.get $x) (local.get $x)))
    (if (i32.ge_s (local.get $k) (i32.const -1021))
      (then (local.set $twopk (f64.reinterpret_i64 (i64.shl (i64.extend_i32_s (i32.add (local.get $k) (i32.const 1023))) (i64.const 52)))))
      (else (local.set $twopk (f64.reinterpret_i64 (i64.shl (i64.extend_i32_s (i32.add (local.get $k) (i32.const 2023))) (i64.const 52))))))
    (local.set $c (f64.sub (local.get $x) (f64.mul (local.get $t)
      (f64.add (global.get $P1) (f64.mul (local.get $t)
        (f64.add (global.get $P2) (f64.mul (local.get $t)
          (f64.add (global.get $P3) (f64.mul (local.get $t)
            (f64.add (global.get $P4) (f64.mul (local.get $t) (global.get $P5))))))))))))
    (if (i32.eqz (local.get $k))
      (then
        (return (f64.sub (f64.const 1)
          (f64.sub (f64.div (f64.mul (local.get $x) (local.get $c)) (f64.sub (local.get $c) (f64.const 2))) (local.get $x))))))
    (local.set $y (f64.sub (f64.const 1)
      (f64.sub (f64.sub (local.get $lo) (f64.div (f64.mul (local.get $x) (local.get $c)) (f64.sub (f64.const 2) (local.get $c))))
        (local.get $hi))))
    (if (i32.ge_s (local.get $k) (i32.const -1021))
      (then
        (if (i32.eq (local.get $k) (i32.const 1024))
          (then (return (f64.mul (f64.mul (local.get $y) (f64.const 2)) (global.get $two1023)))))
        (return (f64.mul (local.get $y) (local.get $twopk)))))
    (f64.mul (f64.mul (local.get $y) (local.get $twopk)) (global.get $twom1000)))

  ;; The γ loop and its exponential, two lanes per f64x2 with the constants in locals, an odd last one with $exp.
  ;; raw = 0 (gammaFaces): x = −z², z = z0 / df[i]; g[i] = γ = x < −cut ? 0 : exp(x); v2b[i] += c (1 − γ) and the
  ;; largest γ (from 0; NaN never taken), returned. raw = 1 (expNegArray, the bitwise test's entry): x = df[i],
  ;; g[i] = x < −cut ? 0 : exp(x), nothing else (returns 0). x ≤ −0 or NaN either way (df and g may be the same
  ;; array). Lane by lane this is fdlibm's exp for x ≤ −0 (see the header): k = 0 where |x| ≤ 0.5 ln2 by the high
  ;; word (mask x ≤ −0x1.62e43p-2, the first double with the next high word), else trunc(x/ln2 − 1/2), which is −1
  ;; on fdlibm's k = −1 branch; 2^k = 2^(k+1000) · 2^−1000 for every k (≥ −1076 here: the first product exact, one
  ;; rounding, as fdlibm's for k < −1021 and exact where fdlibm's 2^k is normal); then 1 + x for |x| < 2^−28,
  ;; x + x for NaN and 0 below −min(cut, −u_threshold).
  (func $gammaCore (param $n i32) (param $df i32) (param $z0 f64) (param $cut f64) (param $cs f64) (param $g i32) (param $v2b i32) (param $raw i32) (result f64)
    (local $i i32) (local $n2 i32) (local $nb i32) (local $o i32) (local $ob i32) (local $sx f64) (local $sg f64) (local $m0 f64) (local $m1 f64)
    (local $v v128) (local $z v128) (local $kf v128) (local $hi v128) (local $lo v128) (local $r v128) (local $t v128) (local $c v128) (local $e v128)
    (local $mx v128) (local $zv v128) (local $cv v128)
    (local $low v128) (local $red v128) (local $tiny v128) (local $invln2 v128) (local $half v128)
    (local $ln2HI v128) (local $ln2LO v128) (local $P1 v128) (local $P2 v128) (local $P3 v128) (local $P4 v128) (local $P5 v128)
    (local $one v128) (local $two v128) (local $bias v128) (local $twom1000 v128)
    ;; the loop's constants through mutable globals: read once here, they stay in registers (or spill slots)
    ;; instead of being rematerialised (2–4 instructions each) at every use inside the loop
    (global.set $vZ0 (f64x2.splat (local.get $z0)))
    (global.set $vC (f64x2.splat (local.get $cs)))
    (global.set $vLow (f64x2.splat (f64.neg (f64.min (local.get $cut) (f64.neg (global.get $uThreshold))))))
    (local.set $zv (global.get $vZ0))
    (local.set $cv (global.get $vC))
    (local.set $low (global.get $vLow))
    (local.set $red (global.get $vRed))
    (local.set $tiny (global.get $vTiny))
    (local.set $invln2 (global.get $vInvln2))
    (local.set $half (global.get $vHalf))
    (local.set $ln2HI (global.get $vLn2HI))
    (local.set $ln2LO (global.get $vLn2LO))
    (local.set $P1 (global.get $vP1))
    (local.set $P2 (global.get $vP2))
    (local.set $P3 (global.get $vP3))
    (local.set $P4 (global.get $vP4))
    (local.set $P5 (global.get $vP5))
    (local.set $one (global.get $vOne))
    (local.set $two (global.get $vTwo))
    (local.set $bias (global.get $vBias))
    (local.set $twom1000 (global.get $vTwom1000))
    (local.set $n2 (i32.and (local.get $n) (i32.const -2)))
    (local.set $nb (i32.shl (local.get $n2) (i32.const 3)))
    ;; two stages, software-pipelined (the exponential is one long dependency chain per pair: splitting it over two
    ;; iterations lets more pairs overlap): each pass first finishes the pair carried from the previous pass at
    ;; byte offset o − 16 (stage B: the polynomial, the division, the scaling, the special cases, the stores),
    ;; then starts the pair at o (stage A: x, k, hi, lo, r, r²). The operations per lane are the same.
    (local.set $o (i32.const 0))
    (block $d (loop $l
      (if (local.get $o)
        (then
          (local.set $ob (i32.sub (local.get $o) (i32.const 16)))
          (local.set $c (f64x2.sub (local.get $r) (f64x2.mul (local.get $t)
            (f64x2.add (local.get $P1) (f64x2.mul (local.get $t)
              (f64x2.add (local.get $P2) (f64x2.mul (local.get $t)
                (f64x2.add (local.get $P3) (f64x2.mul (local.get $t)
                  (f64x2.add (local.get $P4) (f64x2.mul (local.get $t) (local.get $P5))))))))))))
          (local.set $e (f64x2.sub (local.get $one)
            (f64x2.sub (f64x2.sub (local.get $lo) (f64x2.div (f64x2.mul (local.get $r) (local.get $c)) (f64x2.sub (local.get $two) (local.get $c))))
              (local.get $hi))))
          (local.set $e (f64x2.mul (f64x2.mul (local.get $e) (i64x2.shl (f64x2.add (local.get $kf) (local.get $bias)) (i32.const 52))) (local.get $twom1000)))
          (local.set $e (v128.bitselect (f64x2.add (local.get $one) (local.get $v)) (local.get $e) (f64x2.gt (local.get $v) (local.get $tiny))))
          (local.set $e (v128.bitselect (f64x2.add (local.get $v) (local.get $v)) (local.get $e) (f64x2.ne (local.get $v) (local.get $v))))
          (local.set $e (v128.andnot (local.get $e) (f64x2.lt (local.get $v) (local.get $low))))
          (v128.store (i32.add (local.get $g) (local.get $ob)) (local.get $e))
          (if (i32.eqz (local.get $raw))
            (then
              (local.set $mx (v128.bitselect (local.get $e) (local.get $mx) (f64x2.gt (local.get $e) (local.get $mx))))
              (v128.store (i32.add (local.get $v2b) (local.get $ob))
                (f64x2.add (v128.load (i32.add (local.get $v2b) (local.get $ob)))
                  (f64x2.mul (local.get $cv) (f64x2.sub (local.get $one) (local.get $e)))))))))
      (br_if $d (i32.ge_u (local.get $o) (local.get $nb)))
      (if (local.get $raw)
        (then (local.set $v (v128.load (i32.add (local.get $df) (local.get $o)))))
        (else
          (local.set $z (f64x2.div (local.get $zv) (v128.load (i32.add (local.get $df) (local.get $o)))))
          (local.set $v (f64x2.neg (f64x2.mul (local.get $z) (local.get $z))))))
      (local.set $kf (v128.and
        (f64x2.trunc (f64x2.add (f64x2.mul (local.get $invln2) (local.get $v)) (local.get $half)))
        (f64x2.le (local.get $v) (local.get $red))))
      (local.set $hi (f64x2.sub (local.get $v) (f64x2.mul (local.get $kf) (local.get $ln2HI))))
      (local.set $lo (f64x2.mul (local.get $kf) (local.get $ln2LO)))
      (local.set $r (f64x2.sub (local.get $hi) (local.get $lo)))
      (local.set $t (f64x2.mul (local.get $r) (local.get $r)))
      (local.set $o (i32.add (local.get $o) (i32.const 16)))
      (br $l)))
    (local.set $i (local.get $n2))
    (local.set $m0 (f64x2.extract_lane 0 (local.get $mx)))
    (local.set $m1 (f64x2.extract_lane 1 (local.get $mx)))
    (if (f64.gt (local.get $m1) (local.get $m0)) (then (local.set $m0 (local.get $m1))))
    (if (i32.lt_u (local.get $i) (local.get $n))
      (then
        (local.set $o (i32.shl (local.get $i) (i32.const 3)))
        (local.set $sx (f64.load (i32.add (local.get $df) (local.get $o))))
        (if (i32.eqz (local.get $raw))
          (then
            (local.set $sx (f64.div (local.get $z0) (local.get $sx)))
            (local.set $sx (f64.neg (f64.mul (local.get $sx) (local.get $sx))))))
        (local.set $sg (if (result f64) (f64.lt (local.get $sx) (f64.neg (local.get $cut))) (then (f64.const 0)) (else (call $exp (local.get $sx)))))
        (f64.store (i32.add (local.get $g) (local.get $o)) (local.get $sg))
        (if (i32.eqz (local.get $raw))
          (then
            (if (f64.gt (local.get $sg) (local.get $m0)) (then (local.set $m0 (local.get $sg))))
            (f64.store (i32.add (local.get $v2b) (local.get $o))
              (f64.add (f64.load (i32.add (local.get $v2b) (local.get $o)))
                (f64.mul (local.get $cs) (f64.sub (f64.const 1) (local.get $sg)))))))))
    (local.get $m0))

  ;; y[i] = x[i] < −cut ? 0 : exp(x[i]) for i < n, x[i] ≤ −0 or NaN ($gammaCore's exponential alone)
  (func (export "expNegArray") (param $x i32) (param $y i32) (param $n i32) (param $cut f64)
    (drop (call $gammaCore (local.get $n) (local.get $x) (f64.const 0) (local.get $cut) (f64.const 0) (local.get $y) (i32.const 0) (i32.const 1))))

  ;; y[i] = exp(x[i]) with the scalar $exp (every argument)
  (func (export "expArrayScalar") (param $x i32) (param $y i32) (param $n i32)
    (local $i i32)
    (block $d (loop $l
      (br_if $d (i32.ge_u (local.get $i) (local.get $n)))
      (f64.store (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 3)))
        (call $exp (f64.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 3))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l))))

  ;; one distinct |v| over the faces p < n: z = z0 / df[p], γ = z² > cut ? 0 : exp(−z²), g[p] = γ,
  ;; v2b[p] += c (1 − γ); returns the largest γ (from 0; NaN never taken)
  (func (export "gammaFaces") (param $n i32) (param $z0 f64) (param $cut f64) (param $c f64) (param $df i32) (param $g i32) (param $v2b i32) (result f64)
    (call $gammaCore (local.get $n) (local.get $df) (local.get $z0) (local.get $cut) (local.get $c) (local.get $g) (local.get $v2b) (i32.const 0)))
)
