;; The per-level kernels of the geometric multigrid V-cycle (../linear/multigrid.ts): the red-black
;; Gauss-Seidel half sweep (rbgs), the residual / operator application (residualLike), the restriction
;; P^T (restrictP) and the prolongation z += P zc (prolongAdd), on one level of an nx x ny cell-centred
;; box, each direction periodic (px, py = 1) or bounded by walls (the missing neighbour is the cell itself).
;; Every cell value is computed with exactly the same IEEE f64 operations in the same order as the
;; JavaScript twins in multigrid.ts (f64x2 only where each lane's expression is the JavaScript one), so
;; both give the same bytes. Pointers are byte addresses in the imported (private, non-shared) memory;
;; row offsets dn, ds and all indices below are byte offsets (8 per cell).
(module
  (import "env" "memory" (memory 1))

  ;; z[p] := (f[p] + kx (z[e] + z[w]) + ky (z[p+dn] + z[p+ds])) * inv[p]
  (func $cell (param $z i32) (param $f i32) (param $inv i32) (param $p i32) (param $e i32) (param $w i32)
      (param $dn i32) (param $ds i32) (param $kx f64) (param $ky f64)
    (f64.store (i32.add (local.get $z) (local.get $p))
      (f64.mul
        (f64.add
          (f64.add
            (f64.load (i32.add (local.get $f) (local.get $p)))
            (f64.mul (local.get $kx)
              (f64.add (f64.load (i32.add (local.get $z) (local.get $e)))
                       (f64.load (i32.add (local.get $z) (local.get $w))))))
          (f64.mul (local.get $ky)
            (f64.add (f64.load (i32.add (local.get $z) (i32.add (local.get $p) (local.get $dn))))
                     (f64.load (i32.add (local.get $z) (i32.add (local.get $p) (local.get $ds)))))))
        (f64.load (i32.add (local.get $inv) (local.get $p))))))

  ;; north / south byte offsets of row j (periodic wrap, or 0 at a wall); row = j nx 8
  (func $north (param $j i32) (param $ny i32) (param $nx8 i32) (param $row i32) (param $py i32) (result i32)
    (if (result i32) (i32.eq (i32.add (local.get $j) (i32.const 1)) (local.get $ny))
      (then (select (i32.sub (i32.const 0) (local.get $row)) (i32.const 0) (local.get $py)))
      (else (local.get $nx8))))
  (func $south (param $j i32) (param $ny i32) (param $nx8 i32) (param $py i32) (result i32)
    (if (result i32) (i32.eqz (local.get $j))
      (then (select (i32.mul (i32.sub (local.get $ny) (i32.const 1)) (local.get $nx8)) (i32.const 0) (local.get $py)))
      (else (i32.sub (i32.const 0) (local.get $nx8)))))

  ;; One red (colour 0) or black (colour 1) half sweep; nx, ny even.
  (func (export "rbgs") (param $nx i32) (param $ny i32) (param $px i32) (param $py i32) (param $kx f64) (param $ky f64)
      (param $inv i32) (param $z i32) (param $f i32) (param $colour i32)
    (local $j i32) (local $nx8 i32) (local $row i32) (local $dn i32) (local $ds i32) (local $last i32) (local $p i32)
    (local $zp i32) (local $fp i32) (local $ip i32)
    (local.set $nx8 (i32.shl (local.get $nx) (i32.const 3)))
    (block $done (loop $rows
      (br_if $done (i32.ge_u (local.get $j) (local.get $ny)))
      (local.set $row (i32.mul (local.get $j) (local.get $nx8)))
      (local.set $dn (call $north (local.get $j) (local.get $ny) (local.get $nx8) (local.get $row) (local.get $py)))
      (local.set $ds (call $south (local.get $j) (local.get $ny) (local.get $nx8) (local.get $py)))
      (local.set $last (i32.add (local.get $row) (i32.sub (local.get $nx8) (i32.const 8))))
      (local.set $p (i32.add (local.get $row)
        (i32.shl (i32.and (i32.add (local.get $j) (local.get $colour)) (i32.const 1)) (i32.const 3))))
      (if (i32.eq (local.get $p) (local.get $row)) (then
        (call $cell (local.get $z) (local.get $f) (local.get $inv) (local.get $p)
          (i32.add (local.get $p) (i32.const 8))
          (select (local.get $last) (local.get $p) (local.get $px))
          (local.get $dn) (local.get $ds) (local.get $kx) (local.get $ky))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))))
      (block $ie (loop $il
        (br_if $ie (i32.ge_u (local.get $p) (local.get $last)))
        (local.set $zp (i32.add (local.get $z) (local.get $p)))
        (local.set $fp (i32.add (local.get $f) (local.get $p)))
        (local.set $ip (i32.add (local.get $inv) (local.get $p)))
        (f64.store (local.get $zp)
          (f64.mul
            (f64.add
              (f64.add
                (f64.load (local.get $fp))
                (f64.mul (local.get $kx)
                  (f64.add (f64.load offset=8 (local.get $zp))
                           (f64.load (i32.sub (local.get $zp) (i32.const 8))))))
              (f64.mul (local.get $ky)
                (f64.add (f64.load (i32.add (local.get $zp) (local.get $dn)))
                         (f64.load (i32.add (local.get $zp) (local.get $ds))))))
            (f64.load (local.get $ip))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $il)))
      (if (i32.eq (local.get $p) (local.get $last)) (then
        (call $cell (local.get $z) (local.get $f) (local.get $inv) (local.get $p)
          (select (local.get $row) (local.get $p) (local.get $px))
          (i32.sub (local.get $p) (i32.const 8))
          (local.get $dn) (local.get $ds) (local.get $kx) (local.get $ky))))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $rows))))

  ;; kz = ((s[p] + d) z[p] - kx (z[e] + z[w])) - ky (z[p+dn] + z[p+ds]); out[p] := hasF ? f[p] - kz : kz
  (func $resCell (param $s i32) (param $z i32) (param $f i32) (param $out i32) (param $hasF i32) (param $p i32)
      (param $e i32) (param $w i32) (param $dn i32) (param $ds i32) (param $d f64) (param $kx f64) (param $ky f64)
    (local $kz f64)
    (local.set $kz
      (f64.sub
        (f64.sub
          (f64.mul (f64.add (f64.load (i32.add (local.get $s) (local.get $p))) (local.get $d))
                   (f64.load (i32.add (local.get $z) (local.get $p))))
          (f64.mul (local.get $kx)
            (f64.add (f64.load (i32.add (local.get $z) (local.get $e)))
                     (f64.load (i32.add (local.get $z) (local.get $w))))))
        (f64.mul (local.get $ky)
          (f64.add (f64.load (i32.add (local.get $z) (i32.add (local.get $p) (local.get $dn))))
                   (f64.load (i32.add (local.get $z) (i32.add (local.get $p) (local.get $ds))))))))
    (f64.store (i32.add (local.get $out) (local.get $p))
      (if (result f64) (local.get $hasF)
        (then (f64.sub (f64.load (i32.add (local.get $f) (local.get $p))) (local.get $kz)))
        (else (local.get $kz)))))

  ;; out := f - K z (hasF = 1) or out := K z (hasF = 0).
  (func (export "residualLike") (param $nx i32) (param $ny i32) (param $px i32) (param $py i32) (param $s i32)
      (param $kx f64) (param $ky f64) (param $z i32) (param $f i32) (param $hasF i32) (param $out i32)
    (local $d f64) (local $j i32) (local $nx8 i32) (local $row i32) (local $dn i32) (local $ds i32) (local $last i32)
    (local $p i32) (local $zp i32) (local $kz v128) (local $dv v128) (local $kxv v128) (local $kyv v128)
    (local.set $d (f64.add (f64.mul (f64.const 2) (local.get $kx)) (f64.mul (f64.const 2) (local.get $ky))))
    (local.set $dv (f64x2.splat (local.get $d)))
    (local.set $kxv (f64x2.splat (local.get $kx)))
    (local.set $kyv (f64x2.splat (local.get $ky)))
    (local.set $nx8 (i32.shl (local.get $nx) (i32.const 3)))
    (block $done (loop $rows
      (br_if $done (i32.ge_u (local.get $j) (local.get $ny)))
      (local.set $row (i32.mul (local.get $j) (local.get $nx8)))
      (local.set $dn (call $north (local.get $j) (local.get $ny) (local.get $nx8) (local.get $row) (local.get $py)))
      (local.set $ds (call $south (local.get $j) (local.get $ny) (local.get $nx8) (local.get $py)))
      (local.set $last (i32.add (local.get $row) (i32.sub (local.get $nx8) (i32.const 8))))
      (call $resCell (local.get $s) (local.get $z) (local.get $f) (local.get $out) (local.get $hasF) (local.get $row)
        (i32.add (local.get $row) (i32.const 8)) (select (local.get $last) (local.get $row) (local.get $px))
        (local.get $dn) (local.get $ds) (local.get $d) (local.get $kx) (local.get $ky))
      (call $resCell (local.get $s) (local.get $z) (local.get $f) (local.get $out) (local.get $hasF) (local.get $last)
        (select (local.get $row) (local.get $last) (local.get $px)) (i32.sub (local.get $last) (i32.const 8))
        (local.get $dn) (local.get $ds) (local.get $d) (local.get $kx) (local.get $ky))
      (local.set $p (i32.add (local.get $row) (i32.const 8)))
      ;; interior pairs p, p + 1 < last
      (block $ve (loop $vl
        (br_if $ve (i32.ge_u (i32.add (local.get $p) (i32.const 8)) (local.get $last)))
        (local.set $zp (i32.add (local.get $z) (local.get $p)))
        (local.set $kz
          (f64x2.sub
            (f64x2.sub
              (f64x2.mul (f64x2.add (v128.load (i32.add (local.get $s) (local.get $p))) (local.get $dv))
                         (v128.load (local.get $zp)))
              (f64x2.mul (local.get $kxv)
                (f64x2.add (v128.load offset=8 (local.get $zp)) (v128.load (i32.sub (local.get $zp) (i32.const 8))))))
            (f64x2.mul (local.get $kyv)
              (f64x2.add (v128.load (i32.add (local.get $zp) (local.get $dn)))
                         (v128.load (i32.add (local.get $zp) (local.get $ds)))))))
        (v128.store (i32.add (local.get $out) (local.get $p))
          (if (result v128) (local.get $hasF)
            (then (f64x2.sub (v128.load (i32.add (local.get $f) (local.get $p))) (local.get $kz)))
            (else (local.get $kz))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $vl)))
      (if (i32.lt_u (local.get $p) (local.get $last)) (then
        (call $resCell (local.get $s) (local.get $z) (local.get $f) (local.get $out) (local.get $hasF) (local.get $p)
          (i32.add (local.get $p) (i32.const 8)) (i32.sub (local.get $p) (i32.const 8))
          (local.get $dn) (local.get $ds) (local.get $d) (local.get $kx) (local.get $ky))))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $rows))))

  ;; out[k] := 0.25 (a[k] + b[k]) + 0.75 (c[k] + e[k]), k < n (the restriction's y pass).
  (func $comb4 (param $out i32) (param $a i32) (param $b i32) (param $c i32) (param $e i32) (param $n i32)
    (local $k i32) (local $n8 i32)
    (local.set $n8 (i32.shl (local.get $n) (i32.const 3)))
    (block $ve (loop $vl
      (br_if $ve (i32.gt_u (i32.add (local.get $k) (i32.const 16)) (local.get $n8)))
      (v128.store (i32.add (local.get $out) (local.get $k))
        (f64x2.add
          (f64x2.mul (f64x2.splat (f64.const 0.25))
            (f64x2.add (v128.load (i32.add (local.get $a) (local.get $k))) (v128.load (i32.add (local.get $b) (local.get $k)))))
          (f64x2.mul (f64x2.splat (f64.const 0.75))
            (f64x2.add (v128.load (i32.add (local.get $c) (local.get $k))) (v128.load (i32.add (local.get $e) (local.get $k)))))))
      (local.set $k (i32.add (local.get $k) (i32.const 16)))
      (br $vl)))
    (if (i32.lt_u (local.get $k) (local.get $n8)) (then
      (f64.store (i32.add (local.get $out) (local.get $k))
        (f64.add
          (f64.mul (f64.const 0.25)
            (f64.add (f64.load (i32.add (local.get $a) (local.get $k))) (f64.load (i32.add (local.get $b) (local.get $k)))))
          (f64.mul (f64.const 0.75)
            (f64.add (f64.load (i32.add (local.get $c) (local.get $k))) (f64.load (i32.add (local.get $e) (local.get $k))))))))))

  ;; out (cx x cy) := P^T v (nx x ny, even, >= 4), through tmp (cx x ny).
  (func (export "restrictP") (param $nx i32) (param $ny i32) (param $px i32) (param $py i32)
      (param $v i32) (param $tmp i32) (param $out i32)
    (local $cx i32) (local $cy i32) (local $j i32) (local $rowp i32) (local $tp i32) (local $q i32) (local $qend i32)
    (local $cx8 i32) (local $J i32) (local $j0 i32) (local $jm i32) (local $jp i32)
    (local.set $cx (i32.shr_u (local.get $nx) (i32.const 1)))
    (local.set $cy (i32.shr_u (local.get $ny) (i32.const 1)))
    (local.set $cx8 (i32.shl (local.get $cx) (i32.const 3)))
    ;; x pass: tmp[I + cx j] = 0.25 (v[2I-1] + v[2I+2]) + 0.75 (v[2I] + v[2I+1])
    (block $done (loop $rows
      (br_if $done (i32.ge_u (local.get $j) (local.get $ny)))
      (local.set $rowp (i32.add (local.get $v) (i32.shl (i32.mul (local.get $j) (local.get $nx)) (i32.const 3))))
      (local.set $tp (i32.add (local.get $tmp) (i32.mul (local.get $j) (local.get $cx8))))
      ;; I = 0: im = px ? nx - 1 : 0
      (f64.store (local.get $tp)
        (f64.add
          (f64.mul (f64.const 0.25)
            (f64.add (f64.load (i32.add (local.get $rowp)
                        (select (i32.shl (i32.sub (local.get $nx) (i32.const 1)) (i32.const 3)) (i32.const 0) (local.get $px))))
                     (f64.load offset=16 (local.get $rowp))))
          (f64.mul (f64.const 0.75)
            (f64.add (f64.load (local.get $rowp)) (f64.load offset=8 (local.get $rowp))))))
      ;; 0 < I < cx - 1: q = address of v[2I]
      (local.set $q (i32.add (local.get $rowp) (i32.const 16)))
      (local.set $qend (i32.add (local.get $rowp) (i32.shl (i32.sub (local.get $nx) (i32.const 2)) (i32.const 3))))
      (local.set $tp (i32.add (local.get $tp) (i32.const 8)))
      (block $ie (loop $il
        (br_if $ie (i32.ge_u (local.get $q) (local.get $qend)))
        (f64.store (local.get $tp)
          (f64.add
            (f64.mul (f64.const 0.25)
              (f64.add (f64.load (i32.sub (local.get $q) (i32.const 8))) (f64.load offset=16 (local.get $q))))
            (f64.mul (f64.const 0.75)
              (f64.add (f64.load (local.get $q)) (f64.load offset=8 (local.get $q))))))
        (local.set $q (i32.add (local.get $q) (i32.const 16)))
        (local.set $tp (i32.add (local.get $tp) (i32.const 8)))
        (br $il)))
      ;; I = cx - 1 (q = v[nx-2]): ip = px ? 0 : nx - 1
      (f64.store (local.get $tp)
        (f64.add
          (f64.mul (f64.const 0.25)
            (f64.add (f64.load (i32.sub (local.get $q) (i32.const 8)))
                     (f64.load (select (local.get $rowp) (i32.add (local.get $q) (i32.const 8)) (local.get $px)))))
          (f64.mul (f64.const 0.75)
            (f64.add (f64.load (local.get $q)) (f64.load offset=8 (local.get $q))))))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $rows)))
    ;; y pass: out[I + cx J] = 0.25 (tmp[2J-1] + tmp[2J+2]) + 0.75 (tmp[2J] + tmp[2J+1]) (rows)
    (block $done2 (loop $crows
      (br_if $done2 (i32.ge_u (local.get $J) (local.get $cy)))
      (local.set $j0 (i32.shl (local.get $J) (i32.const 1)))
      (local.set $jm (if (result i32) (i32.eqz (local.get $j0))
        (then (select (i32.sub (local.get $ny) (i32.const 1)) (i32.const 0) (local.get $py)))
        (else (i32.sub (local.get $j0) (i32.const 1)))))
      (local.set $jp (if (result i32) (i32.eq (i32.add (local.get $j0) (i32.const 2)) (local.get $ny))
        (then (select (i32.const 0) (i32.sub (local.get $ny) (i32.const 1)) (local.get $py)))
        (else (i32.add (local.get $j0) (i32.const 2)))))
      (call $comb4 (i32.add (local.get $out) (i32.mul (local.get $J) (local.get $cx8)))
        (i32.add (local.get $tmp) (i32.mul (local.get $jm) (local.get $cx8)))
        (i32.add (local.get $tmp) (i32.mul (local.get $jp) (local.get $cx8)))
        (i32.add (local.get $tmp) (i32.mul (local.get $j0) (local.get $cx8)))
        (i32.add (local.get $tmp) (i32.mul (i32.add (local.get $j0) (i32.const 1)) (local.get $cx8)))
        (local.get $cx))
      (local.set $J (i32.add (local.get $J) (i32.const 1)))
      (br $crows))))

  ;; z (nx x ny) += P zc (cx x cy, nx = 2 cx, ny = 2 cy), through tmp (cx x ny).
  (func (export "prolongAdd") (param $cx i32) (param $cy i32) (param $px i32) (param $py i32)
      (param $zc i32) (param $tmp i32) (param $z i32)
    (local $cx8 i32) (local $J i32) (local $c0 i32) (local $cm i32) (local $cp i32) (local $t0 i32) (local $k i32)
    (local $v v128) (local $vs f64) (local $j i32) (local $ny i32) (local $tp i32) (local $zp i32) (local $tend i32)
    (local.set $cx8 (i32.shl (local.get $cx) (i32.const 3)))
    ;; y pass: tmp row 2J = 0.75 zc[J] + 0.25 zc[J-1], row 2J+1 = 0.75 zc[J] + 0.25 zc[J+1]
    (block $done (loop $crows
      (br_if $done (i32.ge_u (local.get $J) (local.get $cy)))
      (local.set $c0 (i32.add (local.get $zc) (i32.mul (local.get $J) (local.get $cx8))))
      (local.set $cm (i32.add (local.get $zc) (i32.mul (local.get $cx8)
        (if (result i32) (i32.eqz (local.get $J))
          (then (select (i32.sub (local.get $cy) (i32.const 1)) (i32.const 0) (local.get $py)))
          (else (i32.sub (local.get $J) (i32.const 1)))))))
      (local.set $cp (i32.add (local.get $zc) (i32.mul (local.get $cx8)
        (if (result i32) (i32.eq (i32.add (local.get $J) (i32.const 1)) (local.get $cy))
          (then (select (i32.const 0) (i32.sub (local.get $cy) (i32.const 1)) (local.get $py)))
          (else (i32.add (local.get $J) (i32.const 1)))))))
      (local.set $t0 (i32.add (local.get $tmp) (i32.mul (i32.shl (local.get $J) (i32.const 1)) (local.get $cx8))))
      (local.set $k (i32.const 0))
      (block $ve (loop $vl
        (br_if $ve (i32.gt_u (i32.add (local.get $k) (i32.const 16)) (local.get $cx8)))
        (local.set $v (f64x2.mul (f64x2.splat (f64.const 0.75)) (v128.load (i32.add (local.get $c0) (local.get $k)))))
        (v128.store (i32.add (local.get $t0) (local.get $k))
          (f64x2.add (local.get $v) (f64x2.mul (f64x2.splat (f64.const 0.25)) (v128.load (i32.add (local.get $cm) (local.get $k))))))
        (v128.store (i32.add (i32.add (local.get $t0) (local.get $cx8)) (local.get $k))
          (f64x2.add (local.get $v) (f64x2.mul (f64x2.splat (f64.const 0.25)) (v128.load (i32.add (local.get $cp) (local.get $k))))))
        (local.set $k (i32.add (local.get $k) (i32.const 16)))
        (br $vl)))
      (if (i32.lt_u (local.get $k) (local.get $cx8)) (then
        (local.set $vs (f64.mul (f64.const 0.75) (f64.load (i32.add (local.get $c0) (local.get $k)))))
        (f64.store (i32.add (local.get $t0) (local.get $k))
          (f64.add (local.get $vs) (f64.mul (f64.const 0.25) (f64.load (i32.add (local.get $cm) (local.get $k))))))
        (f64.store (i32.add (i32.add (local.get $t0) (local.get $cx8)) (local.get $k))
          (f64.add (local.get $vs) (f64.mul (f64.const 0.25) (f64.load (i32.add (local.get $cp) (local.get $k))))))))
      (local.set $J (i32.add (local.get $J) (i32.const 1)))
      (br $crows)))
    ;; x pass: z[2I] += 0.75 tmp[I] + 0.25 tmp[I-1], z[2I+1] += 0.75 tmp[I] + 0.25 tmp[I+1]
    (local.set $ny (i32.shl (local.get $cy) (i32.const 1)))
    (block $done2 (loop $rows
      (br_if $done2 (i32.ge_u (local.get $j) (local.get $ny)))
      (local.set $tp (i32.add (local.get $tmp) (i32.mul (local.get $j) (local.get $cx8))))
      (local.set $zp (i32.add (local.get $z) (i32.shl (i32.mul (local.get $j) (local.get $cx8)) (i32.const 1))))
      (local.set $tend (i32.add (local.get $tp) (i32.sub (local.get $cx8) (i32.const 8))))
      ;; I = 0
      (local.set $vs (f64.mul (f64.const 0.75) (f64.load (local.get $tp))))
      (f64.store (local.get $zp) (f64.add (f64.load (local.get $zp))
        (f64.add (local.get $vs) (f64.mul (f64.const 0.25)
          (f64.load (select (local.get $tend) (local.get $tp) (local.get $px)))))))
      (f64.store offset=8 (local.get $zp) (f64.add (f64.load offset=8 (local.get $zp))
        (f64.add (local.get $vs) (f64.mul (f64.const 0.25) (f64.load offset=8 (local.get $tp))))))
      (local.set $tp (i32.add (local.get $tp) (i32.const 8)))
      (local.set $zp (i32.add (local.get $zp) (i32.const 16)))
      ;; 0 < I < cx - 1
      (block $ie (loop $il
        (br_if $ie (i32.ge_u (local.get $tp) (local.get $tend)))
        (local.set $vs (f64.mul (f64.const 0.75) (f64.load (local.get $tp))))
        (f64.store (local.get $zp) (f64.add (f64.load (local.get $zp))
          (f64.add (local.get $vs) (f64.mul (f64.const 0.25) (f64.load (i32.sub (local.get $tp) (i32.const 8)))))))
        (f64.store offset=8 (local.get $zp) (f64.add (f64.load offset=8 (local.get $zp))
          (f64.add (local.get $vs) (f64.mul (f64.const 0.25) (f64.load offset=8 (local.get $tp))))))
        (local.set $tp (i32.add (local.get $tp) (i32.const 8)))
        (local.set $zp (i32.add (local.get $zp) (i32.const 16)))
        (br $il)))
      ;; I = cx - 1 (tp = tend): ip = px ? 0 : cx - 1
      (local.set $vs (f64.mul (f64.const 0.75) (f64.load (local.get $tp))))
      (f64.store (local.get $zp) (f64.add (f64.load (local.get $zp))
        (f64.add (local.get $vs) (f64.mul (f64.const 0.25) (f64.load (i32.sub (local.get $tp) (i32.const 8)))))))
      (f64.store offset=8 (local.get $zp) (f64.add (f64.load offset=8 (local.get $zp))
        (f64.add (local.get $vs) (f64.mul (f64.const 0.25)
          (f64.load (select (i32.sub (local.get $tp) (i32.sub (local.get $cx8) (i32.const 8))) (local.get $tp) (local.get $px)))))))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $rows))))
)
