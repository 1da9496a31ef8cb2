;; WebAssembly twins of the 1D micro–macro steppers' per-cell loops over a cell-major level q[i K + k]: the bound
;; projection's sum and subtraction with the extremes (the first two loops of BoundLimiter1D.projectQ,
;; src/solvers/limiter.ts; its θ and scale are limitProjected's, in JavaScript) and the error estimate's per-cell
;; sums (Levels1D.cellSums, src/solvers/microMacro/levels.ts), over the cells [p0, p1) with p1 − p0 even: two
;; neighbouring cells per f64x2 (lane 0 cell i, lane 1 cell i + 1: their values K apart, loaded and stored lane by
;; lane), each lane the JavaScript's operations for its cell, velocities in order k = 0..K−1, so the same IEEE
;; operations in the same order and the same bytes (test/cells1d.test.ts). The extremes keep `if (v > qmax) qmax = v`
;; exactly (f64x2.gt/lt and v128.bitselect). The level (K × 8 bytes per cell, 256 kB at 1024 × 32) is in cache:
;; these save the JavaScript's scalar loop, not memory traffic. Pointers are byte addresses in the imported (shared)
;; memory. Built by scripts/build-wasm.mjs.
(module
  (import "env" "memory" (memory 1 65536 shared))

  ;; per cell: s = Σ_k w_k q_k (in order), q_k −= s, qmax, qmin the extremes of the new q
  (func (export "projectSums1D")
    (param $K i32) (param $w i32) (param $q i32) (param $qmax i32) (param $qmin i32) (param $p0 i32) (param $p1 i32)
    (local $Kb i32) (local $i i32) (local $a i32) (local $b i32) (local $k i32) (local $wk i32)
    (local $s v128) (local $v v128) (local $mx v128) (local $mn v128)
    (local.set $Kb (i32.shl (local.get $K) (i32.const 3)))
    (local.set $i (local.get $p0))
    (block $cd (loop $cl
      (br_if $cd (i32.ge_u (local.get $i) (local.get $p1)))
      (local.set $a (i32.add (local.get $q) (i32.mul (local.get $i) (local.get $Kb))))
      (local.set $b (i32.add (local.get $a) (local.get $Kb)))
      ;; s += w_k q_k
      (local.set $s (v128.const f64x2 0 0))
      (local.set $k (i32.const 0))
      (local.set $wk (local.get $w))
      (block $sd (loop $sl
        (br_if $sd (i32.ge_u (local.get $k) (local.get $Kb)))
        (local.set $s (f64x2.add (local.get $s)
          (f64x2.mul (f64x2.splat (f64.load (local.get $wk)))
            (f64x2.replace_lane 1 (f64x2.splat (f64.load (i32.add (local.get $a) (local.get $k)))) (f64.load (i32.add (local.get $b) (local.get $k)))))))
        (local.set $wk (i32.add (local.get $wk) (i32.const 8)))
        (local.set $k (i32.add (local.get $k) (i32.const 8)))
        (br $sl)))
      ;; v = q_k − s, stored; if (v > qmax) qmax = v; if (v < qmin) qmin = v
      (local.set $mx (v128.const f64x2 -inf -inf))
      (local.set $mn (v128.const f64x2 inf inf))
      (local.set $k (i32.const 0))
      (block $xd (loop $xl
        (br_if $xd (i32.ge_u (local.get $k) (local.get $Kb)))
        (local.set $v (f64x2.sub
          (f64x2.replace_lane 1 (f64x2.splat (f64.load (i32.add (local.get $a) (local.get $k)))) (f64.load (i32.add (local.get $b) (local.get $k))))
          (local.get $s)))
        (f64.store (i32.add (local.get $a) (local.get $k)) (f64x2.extract_lane 0 (local.get $v)))
        (f64.store (i32.add (local.get $b) (local.get $k)) (f64x2.extract_lane 1 (local.get $v)))
        (local.set $mx (v128.bitselect (local.get $v) (local.get $mx) (f64x2.gt (local.get $v) (local.get $mx))))
        (local.set $mn (v128.bitselect (local.get $v) (local.get $mn) (f64x2.lt (local.get $v) (local.get $mn))))
        (local.set $k (i32.add (local.get $k) (i32.const 8)))
        (br $xl)))
      (v128.store (i32.add (local.get $qmax) (i32.shl (local.get $i) (i32.const 3))) (local.get $mx))
      (v128.store (i32.add (local.get $qmin) (i32.shl (local.get $i) (i32.const 3))) (local.get $mn))
      (local.set $i (i32.add (local.get $i) (i32.const 2)))
      (br $cl))))

  ;; per cell: er = rhoNew − ((a0 rhoN + a1 rhoOld) + a2 rhoOld2), filt = c0 / aC, then over k in order
  ;; e = er + filt (qNew_k − ((a0 qN_k + a1 qOld_k) + a2 qOld2_k)), y = rhoN + qN_k, se += (w_k e) e, sy += (w_k y) y
  (func (export "estimateSums1D")
    (param $K i32) (param $w i32) (param $rhoNew i32) (param $rhoN i32) (param $rhoOld i32) (param $rhoOld2 i32)
    (param $qNew i32) (param $qN i32) (param $qOld i32) (param $qOld2 i32) (param $aC i32) (param $se i32) (param $sy i32)
    (param $a0 f64) (param $a1 f64) (param $a2 f64) (param $c0 f64) (param $p0 i32) (param $p1 i32)
    (local $Kb i32) (local $i i32) (local $c i32) (local $a i32) (local $b i32) (local $k i32) (local $wk i32)
    (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $er v128) (local $filt v128) (local $r v128) (local $qn v128)
    (local $e v128) (local $y v128) (local $w2 v128) (local $s v128) (local $t v128)
    (local.set $x0 (f64x2.splat (local.get $a0)))
    (local.set $x1 (f64x2.splat (local.get $a1)))
    (local.set $x2 (f64x2.splat (local.get $a2)))
    (local.set $Kb (i32.shl (local.get $K) (i32.const 3)))
    (local.set $i (local.get $p0))
    (block $cd (loop $cl
      (br_if $cd (i32.ge_u (local.get $i) (local.get $p1)))
      (local.set $c (i32.shl (local.get $i) (i32.const 3)))
      (local.set $r (v128.load (i32.add (local.get $rhoN) (local.get $c))))
      (local.set $er (f64x2.sub (v128.load (i32.add (local.get $rhoNew) (local.get $c)))
        (f64x2.add (f64x2.add (f64x2.mul (local.get $x0) (local.get $r)) (f64x2.mul (local.get $x1) (v128.load (i32.add (local.get $rhoOld) (local.get $c)))))
                   (f64x2.mul (local.get $x2) (v128.load (i32.add (local.get $rhoOld2) (local.get $c)))))))
      (local.set $filt (f64x2.div (f64x2.splat (local.get $c0)) (v128.load (i32.add (local.get $aC) (local.get $c)))))
      (local.set $a (i32.mul (local.get $i) (local.get $Kb)))
      (local.set $b (i32.add (local.get $a) (local.get $Kb)))
      (local.set $s (v128.const f64x2 0 0))
      (local.set $t (v128.const f64x2 0 0))
      (local.set $k (i32.const 0))
      (local.set $wk (local.get $w))
      (block $kd (loop $kl
        (br_if $kd (i32.ge_u (local.get $k) (local.get $Kb)))
        (local.set $qn (f64x2.replace_lane 1 (f64x2.splat (f64.load (i32.add (local.get $qN) (i32.add (local.get $a) (local.get $k)))))
                                              (f64.load (i32.add (local.get $qN) (i32.add (local.get $b) (local.get $k))))))
        (local.set $e (f64x2.add (local.get $er) (f64x2.mul (local.get $filt)
          (f64x2.sub
            (f64x2.replace_lane 1 (f64x2.splat (f64.load (i32.add (local.get $qNew) (i32.add (local.get $a) (local.get $k)))))
                                  (f64.load (i32.add (local.get $qNew) (i32.add (local.get $b) (local.get $k)))))
            (f64x2.add
              (f64x2.add (f64x2.mul (local.get $x0) (local.get $qn))
                         (f64x2.mul (local.get $x1)
                           (f64x2.replace_lane 1 (f64x2.splat (f64.load (i32.add (local.get $qOld) (i32.add (local.get $a) (local.get $k)))))
                                                 (f64.load (i32.add (local.get $qOld) (i32.add (local.get $b) (local.get $k)))))))
              (f64x2.mul (local.get $x2)
                (f64x2.replace_lane 1 (f64x2.splat (f64.load (i32.add (local.get $qOld2) (i32.add (local.get $a) (local.get $k)))))
                                      (f64.load (i32.add (local.get $qOld2) (i32.add (local.get $b) (local.get $k)))))))))))
        (local.set $y (f64x2.add (local.get $r) (local.get $qn)))
        (local.set $w2 (f64x2.splat (f64.load (local.get $wk))))
        (local.set $s (f64x2.add (local.get $s) (f64x2.mul (f64x2.mul (local.get $w2) (local.get $e)) (local.get $e))))
        (local.set $t (f64x2.add (local.get $t) (f64x2.mul (f64x2.mul (local.get $w2) (local.get $y)) (local.get $y))))
        (local.set $wk (i32.add (local.get $wk) (i32.const 8)))
        (local.set $k (i32.add (local.get $k) (i32.const 8)))
        (br $kl)))
      (v128.store (i32.add (local.get $se) (local.get $c)) (local.get $s))
      (v128.store (i32.add (local.get $sy) (local.get $c)) (local.get $t))
      (local.set $i (i32.add (local.get $i) (i32.const 2)))
      (br $cl))))
)
