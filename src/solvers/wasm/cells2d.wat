;; WebAssembly twins of the 2D kinetic stepper's per-cell passes over a velocity-major level q[k N + p]: the bound
;; projection's weighted sum and subtraction with the extremes (weightedSumCells, subtractExtremesCells), its scale
;; (scaleCells) (src/solvers/limiter.ts) and the error estimate's sums (estimateSumsCells, src/solvers/microMacro/
;; levels.ts), over the cells [p0, p1) with p1 − p0 even: two neighbouring cells per f64x2, each lane the JavaScript's
;; operations for its cell, velocities in order k = 0..K−1, so the same IEEE operations in the same order and the
;; same bytes (test/cells2d.test.ts). The extremes keep `if (v > qmax) qmax = v` exactly (f64x2.gt/lt and
;; v128.bitselect: NaN never taken, +0 does not replace −0 nor the reverse). By blocks of cells: the projection's
;; 256 cells (2 kB per velocity, K × 2 kB in L2) so that its subtraction finds the block its sum just read in the
;; cache (q read from memory once, not twice); the estimate's 1024 (its streams 8 kB long per velocity, the
;; per-cell arrays in L1; faster than 256 and 512 here), two velocities per pass (each cell's sums loaded and stored
;; once per two terms, added in order). The scale skips a block whose θ are all 1 (q θ = q for the finite
;; q it is called on). Pointers are byte addresses in the imported (shared) memory. Built by scripts/build-wasm.mjs.
(module
  (import "env" "memory" (memory 1 65536 shared))

  ;; sum = Σ_k w_k q_k per cell (sum += w_k q_k in order k), then q_k −= sum and qmax, qmin the extremes of the new q
  (func (export "projectSums")
    (param $N i32) (param $K i32) (param $w i32) (param $q i32) (param $sum i32) (param $qmax i32) (param $qmin i32)
    (param $p0 i32) (param $p1 i32)
    (local $Nb i32) (local $i0 i32) (local $i1 i32) (local $i i32) (local $end i32) (local $k i32) (local $o i32)
    (local $wk v128) (local $v v128) (local $a v128)
    (local.set $Nb (i32.shl (local.get $N) (i32.const 3)))
    (local.set $end (i32.shl (local.get $p1) (i32.const 3)))
    (local.set $i0 (i32.shl (local.get $p0) (i32.const 3)))
    (block $blocks (loop $block
      (br_if $blocks (i32.ge_u (local.get $i0) (local.get $end)))
      (local.set $i1 (i32.add (local.get $i0) (i32.const 2048)))
      (if (i32.gt_u (local.get $i1) (local.get $end)) (then (local.set $i1 (local.get $end))))
      ;; sum = 0, qmax = −Infinity, qmin = Infinity
      (local.set $i (local.get $i0))
      (block $zd (loop $zl
        (br_if $zd (i32.ge_u (local.get $i) (local.get $i1)))
        (v128.store (i32.add (local.get $sum) (local.get $i)) (v128.const f64x2 0 0))
        (v128.store (i32.add (local.get $qmax) (local.get $i)) (v128.const f64x2 -inf -inf))
        (v128.store (i32.add (local.get $qmin) (local.get $i)) (v128.const f64x2 inf inf))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $zl)))
      ;; sum += w_k q_k
      (local.set $k (i32.const 0))
      (local.set $o (local.get $q))
      (block $sd (loop $sl
        (br_if $sd (i32.ge_u (local.get $k) (local.get $K)))
        (local.set $wk (f64x2.splat (f64.load (i32.add (local.get $w) (i32.shl (local.get $k) (i32.const 3))))))
        (local.set $i (local.get $i0))
        (block $id (loop $il
          (br_if $id (i32.ge_u (local.get $i) (local.get $i1)))
          (v128.store (i32.add (local.get $sum) (local.get $i))
            (f64x2.add (v128.load (i32.add (local.get $sum) (local.get $i)))
                       (f64x2.mul (local.get $wk) (v128.load (i32.add (local.get $o) (local.get $i))))))
          (local.set $i (i32.add (local.get $i) (i32.const 16)))
          (br $il)))
        (local.set $o (i32.add (local.get $o) (local.get $Nb)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $sl)))
      ;; q_k −= sum; if (v > qmax) qmax = v; if (v < qmin) qmin = v
      (local.set $k (i32.const 0))
      (local.set $o (local.get $q))
      (block $xd (loop $xl
        (br_if $xd (i32.ge_u (local.get $k) (local.get $K)))
        (local.set $i (local.get $i0))
        (block $jd (loop $jl
          (br_if $jd (i32.ge_u (local.get $i) (local.get $i1)))
          (local.set $v (f64x2.sub (v128.load (i32.add (local.get $o) (local.get $i))) (v128.load (i32.add (local.get $sum) (local.get $i)))))
          (v128.store (i32.add (local.get $o) (local.get $i)) (local.get $v))
          (local.set $a (v128.load (i32.add (local.get $qmax) (local.get $i))))
          (v128.store (i32.add (local.get $qmax) (local.get $i)) (v128.bitselect (local.get $v) (local.get $a) (f64x2.gt (local.get $v) (local.get $a))))
          (local.set $a (v128.load (i32.add (local.get $qmin) (local.get $i))))
          (v128.store (i32.add (local.get $qmin) (local.get $i)) (v128.bitselect (local.get $v) (local.get $a) (f64x2.lt (local.get $v) (local.get $a))))
          (local.set $i (i32.add (local.get $i) (i32.const 16)))
          (br $jl)))
        (local.set $o (i32.add (local.get $o) (local.get $Nb)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $xl)))
      (local.set $i0 (local.get $i1))
      (br $block))))

  ;; q_k *= θ per cell, block by block; a block whose θ are all 1 is left as it is
  (func (export "scaleCells")
    (param $N i32) (param $K i32) (param $q i32) (param $theta i32) (param $p0 i32) (param $p1 i32)
    (local $Nb i32) (local $i0 i32) (local $i1 i32) (local $i i32) (local $end i32) (local $k i32) (local $o i32) (local $m v128)
    (local.set $Nb (i32.shl (local.get $N) (i32.const 3)))
    (local.set $end (i32.shl (local.get $p1) (i32.const 3)))
    (local.set $i0 (i32.shl (local.get $p0) (i32.const 3)))
    (block $blocks (loop $block
      (br_if $blocks (i32.ge_u (local.get $i0) (local.get $end)))
      (local.set $i1 (i32.add (local.get $i0) (i32.const 2048)))
      (if (i32.gt_u (local.get $i1) (local.get $end)) (then (local.set $i1 (local.get $end))))
      ;; m: lanes where θ ≠ 1 (NaN included)
      (local.set $m (v128.const i64x2 0 0))
      (local.set $i (local.get $i0))
      (block $td (loop $tl
        (br_if $td (i32.ge_u (local.get $i) (local.get $i1)))
        (local.set $m (v128.or (local.get $m) (f64x2.ne (v128.load (i32.add (local.get $theta) (local.get $i))) (v128.const f64x2 1 1))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $tl)))
      (if (v128.any_true (local.get $m)) (then
        (local.set $k (i32.const 0))
        (local.set $o (local.get $q))
        (block $kd (loop $kl
          (br_if $kd (i32.ge_u (local.get $k) (local.get $K)))
          (local.set $i (local.get $i0))
          (block $id (loop $il
            (br_if $id (i32.ge_u (local.get $i) (local.get $i1)))
            (v128.store (i32.add (local.get $o) (local.get $i))
              (f64x2.mul (v128.load (i32.add (local.get $o) (local.get $i))) (v128.load (i32.add (local.get $theta) (local.get $i)))))
            (local.set $i (i32.add (local.get $i) (i32.const 16)))
            (br $il)))
          (local.set $o (i32.add (local.get $o) (local.get $Nb)))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br $kl)))))
      (local.set $i0 (local.get $i1))
      (br $block))))

  ;; se = Σ_k w_k e_k e_k, sy = Σ_k w_k y_k y_k (in order k), e_k = er + filt (qNew_k − ((a0 qN_k + a1 qOld_k) + a2 qOld2_k)),
  ;; y_k = rhoN + qN_k (a0, a1, a2: the predictor's coefficients)
  (func (export "estimateSums")
    (param $N i32) (param $K i32) (param $w i32) (param $rhoN i32) (param $qN i32) (param $qOld i32) (param $qOld2 i32) (param $qNew i32)
    (param $er i32) (param $filt i32) (param $se i32) (param $sy i32) (param $a0 f64) (param $a1 f64) (param $a2 f64) (param $p0 i32) (param $p1 i32)
    (local $Nb i32) (local $i0 i32) (local $i1 i32) (local $i i32) (local $end i32) (local $k i32) (local $o i32) (local $j i32)
    (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $wk v128) (local $qn v128) (local $e v128) (local $y v128)
    (local $j1 i32) (local $wk1 v128) (local $qn1 v128) (local $e1 v128) (local $y1 v128) (local $erv v128) (local $fv v128) (local $rv v128)
    (local.set $c0 (f64x2.splat (local.get $a0)))
    (local.set $c1 (f64x2.splat (local.get $a1)))
    (local.set $c2 (f64x2.splat (local.get $a2)))
    (local.set $Nb (i32.shl (local.get $N) (i32.const 3)))
    (local.set $end (i32.shl (local.get $p1) (i32.const 3)))
    (local.set $i0 (i32.shl (local.get $p0) (i32.const 3)))
    (block $blocks (loop $block
      (br_if $blocks (i32.ge_u (local.get $i0) (local.get $end)))
      (local.set $i1 (i32.add (local.get $i0) (i32.const 8192)))
      (if (i32.gt_u (local.get $i1) (local.get $end)) (then (local.set $i1 (local.get $end))))
      (local.set $i (local.get $i0))
      (block $zd (loop $zl
        (br_if $zd (i32.ge_u (local.get $i) (local.get $i1)))
        (v128.store (i32.add (local.get $se) (local.get $i)) (v128.const f64x2 0 0))
        (v128.store (i32.add (local.get $sy) (local.get $i)) (v128.const f64x2 0 0))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $zl)))
      ;; two velocities k, k + 1 per pass (the cell's sums loaded and stored once; k's terms added first)
      (local.set $k (i32.const 0))
      (local.set $o (i32.const 0))
      (block $pd (loop $pl
        (br_if $pd (i32.gt_u (i32.add (local.get $k) (i32.const 2)) (local.get $K)))
        (local.set $wk (f64x2.splat (f64.load (i32.add (local.get $w) (i32.shl (local.get $k) (i32.const 3))))))
        (local.set $wk1 (f64x2.splat (f64.load offset=8 (i32.add (local.get $w) (i32.shl (local.get $k) (i32.const 3))))))
        (local.set $i (local.get $i0))
        (block $id2 (loop $il2
          (br_if $id2 (i32.ge_u (local.get $i) (local.get $i1)))
          (local.set $j (i32.add (local.get $o) (local.get $i)))
          (local.set $j1 (i32.add (local.get $j) (local.get $Nb)))
          (local.set $erv (v128.load (i32.add (local.get $er) (local.get $i))))
          (local.set $fv (v128.load (i32.add (local.get $filt) (local.get $i))))
          (local.set $rv (v128.load (i32.add (local.get $rhoN) (local.get $i))))
          (local.set $qn (v128.load (i32.add (local.get $qN) (local.get $j))))
          (local.set $qn1 (v128.load (i32.add (local.get $qN) (local.get $j1))))
          (local.set $e (f64x2.add (local.get $erv)
              (f64x2.mul (local.get $fv)
                (f64x2.sub (v128.load (i32.add (local.get $qNew) (local.get $j)))
                  (f64x2.add
                    (f64x2.add (f64x2.mul (local.get $c0) (local.get $qn))
                               (f64x2.mul (local.get $c1) (v128.load (i32.add (local.get $qOld) (local.get $j)))))
                    (f64x2.mul (local.get $c2) (v128.load (i32.add (local.get $qOld2) (local.get $j)))))))))
          (local.set $e1 (f64x2.add (local.get $erv)
              (f64x2.mul (local.get $fv)
                (f64x2.sub (v128.load (i32.add (local.get $qNew) (local.get $j1)))
                  (f64x2.add
                    (f64x2.add (f64x2.mul (local.get $c0) (local.get $qn1))
                               (f64x2.mul (local.get $c1) (v128.load (i32.add (local.get $qOld) (local.get $j1)))))
                    (f64x2.mul (local.get $c2) (v128.load (i32.add (local.get $qOld2) (local.get $j1)))))))))
          (local.set $y (f64x2.add (local.get $rv) (local.get $qn)))
          (local.set $y1 (f64x2.add (local.get $rv) (local.get $qn1)))
          (v128.store (i32.add (local.get $se) (local.get $i))
            (f64x2.add
              (f64x2.add (v128.load (i32.add (local.get $se) (local.get $i))) (f64x2.mul (f64x2.mul (local.get $wk) (local.get $e)) (local.get $e)))
              (f64x2.mul (f64x2.mul (local.get $wk1) (local.get $e1)) (local.get $e1))))
          (v128.store (i32.add (local.get $sy) (local.get $i))
            (f64x2.add
              (f64x2.add (v128.load (i32.add (local.get $sy) (local.get $i))) (f64x2.mul (f64x2.mul (local.get $wk) (local.get $y)) (local.get $y)))
              (f64x2.mul (f64x2.mul (local.get $wk1) (local.get $y1)) (local.get $y1))))
          (local.set $i (i32.add (local.get $i) (i32.const 16)))
          (br $il2)))
        (local.set $o (i32.add (local.get $o) (i32.shl (local.get $Nb) (i32.const 1))))
        (local.set $k (i32.add (local.get $k) (i32.const 2)))
        (br $pl)))
      ;; an odd last velocity
      (block $kd (loop $kl
        (br_if $kd (i32.ge_u (local.get $k) (local.get $K)))
        (local.set $wk (f64x2.splat (f64.load (i32.add (local.get $w) (i32.shl (local.get $k) (i32.const 3))))))
        (local.set $i (local.get $i0))
        (block $id (loop $il
          (br_if $id (i32.ge_u (local.get $i) (local.get $i1)))
          (local.set $j (i32.add (local.get $o) (local.get $i)))
          (local.set $qn (v128.load (i32.add (local.get $qN) (local.get $j))))
          (local.set $e
            (f64x2.add (v128.load (i32.add (local.get $er) (local.get $i)))
              (f64x2.mul (v128.load (i32.add (local.get $filt) (local.get $i)))
                (f64x2.sub (v128.load (i32.add (local.get $qNew) (local.get $j)))
                  (f64x2.add
                    (f64x2.add (f64x2.mul (local.get $c0) (local.get $qn))
                               (f64x2.mul (local.get $c1) (v128.load (i32.add (local.get $qOld) (local.get $j)))))
                    (f64x2.mul (local.get $c2) (v128.load (i32.add (local.get $qOld2) (local.get $j)))))))))
          (local.set $y (f64x2.add (v128.load (i32.add (local.get $rhoN) (local.get $i))) (local.get $qn)))
          (v128.store (i32.add (local.get $se) (local.get $i))
            (f64x2.add (v128.load (i32.add (local.get $se) (local.get $i))) (f64x2.mul (f64x2.mul (local.get $wk) (local.get $e)) (local.get $e))))
          (v128.store (i32.add (local.get $sy) (local.get $i))
            (f64x2.add (v128.load (i32.add (local.get $sy) (local.get $i))) (f64x2.mul (f64x2.mul (local.get $wk) (local.get $y)) (local.get $y))))
          (local.set $i (i32.add (local.get $i) (i32.const 16)))
          (br $il)))
        (local.set $o (i32.add (local.get $o) (local.get $Nb)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $kl)))
      (local.set $i0 (local.get $i1))
      (br $block))))
)
