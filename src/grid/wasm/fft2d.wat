;; The 2D complex FFT of GridFourier.transformInPlace (src/grid/fourier.ts), bitwise the same as its JavaScript
;; path: fft.js's radix-4 Cooley–Tukey (node_modules/fft.js/lib/fft.js, `_transform4`) on every row, then on
;; every column, TWO LINES AT ONCE in f64x2 lanes (rows j, j + 1; then columns i, i + 1). Each lane does exactly
;; fft.js's scalar IEEE operations in fft.js's order: the same twiddle table (fft.js's own `table`, copied into
;; memory by the loader), the same bit-reversal offsets (its `_bitrev`), the same first stage (radix-2 when
;; log2 n is odd, radix-4 when even: `_singleTransform2/4`), the same butterfly expressions (no fused
;; multiply–add exists in wasm), and for the inverse the same final division by n (`inverseTransform`).
;; So the result has the same bytes (test/fourierWasm.test.ts).
;;
;; Lane form of a pair of lines (A, B) of n complex values: element m at byte 32 m holds (re_A, re_B), at
;; 32 m + 16 (im_A, im_B). fft.js's array index x (2 m for re, 2 m + 1 for im) is thus byte 16 x, and its
;; table index k is byte 8 k. fft.js's first stage reads the pair straight from the interleaved field (each
;; element's (re, im) of both lines shuffled into lane form) and writes the scratch `out`, the later stages work
;; in place there, and the pair is scattered back into the field (divided by n for the inverse).
;; Pointers are byte addresses in the imported private memory. Built by scripts/build-wasm.mjs.
(module
  (import "env" "memory" (memory 1))

  ;; The copy-out: lane form at src back to the two lines (dst + m stride, dst + pair + m stride); for the
  ;; inverse first fft.js's `out[i] /= this.size` on every value.
  (func $scatter (param $src i32) (param $dst i32) (param $stride i32) (param $pair i32) (param $n i32) (param $inverse i32)
    (local $end i32) (local $re v128) (local $im v128) (local $size v128)
    (local.set $end (i32.add (local.get $src) (i32.shl (local.get $n) (i32.const 5))))
    (local.set $size (f64x2.splat (f64.convert_i32_u (local.get $n))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $src) (local.get $end)))
      (local.set $re (v128.load (local.get $src)))
      (local.set $im (v128.load offset=16 (local.get $src)))
      (if (local.get $inverse) (then
        (local.set $re (f64x2.div (local.get $re) (local.get $size)))
        (local.set $im (f64x2.div (local.get $im) (local.get $size)))))
      (v128.store (local.get $dst) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $re) (local.get $im)))
      (v128.store (i32.add (local.get $dst) (local.get $pair))
        (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $re) (local.get $im)))
      (local.set $src (i32.add (local.get $src) (i32.const 32)))
      (local.set $dst (i32.add (local.get $dst) (local.get $stride)))
      (br $next))))

  ;; The first stage reads the two lines straight from the field (ComplexFFT.transform's copy-in fused): line A's
  ;; element at d, line B's at d + pair, each (re, im), moved to lane form (re_A, re_B), (im_A, im_B) by shuffles.
  ;; fft.js `_singleTransform2(outOff, off, step)`: o = out + 16 outOff; d: the element off / 2 of line A in the
  ;; field, s: the bytes from one input element to the next (step / 2 elements).
  (func $single2 (param $o i32) (param $d i32) (param $s i32) (param $pair i32)
    (local $x v128) (local $y v128) (local $evenR v128) (local $evenI v128) (local $oddR v128) (local $oddI v128)
    (local.set $x (v128.load (local.get $d)))
    (local.set $y (v128.load (i32.add (local.get $d) (local.get $pair))))
    (local.set $evenR (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $x) (local.get $y)))
    (local.set $evenI (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $x) (local.get $y)))
    (local.set $d (i32.add (local.get $d) (local.get $s)))
    (local.set $x (v128.load (local.get $d)))
    (local.set $y (v128.load (i32.add (local.get $d) (local.get $pair))))
    (local.set $oddR (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $x) (local.get $y)))
    (local.set $oddI (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $x) (local.get $y)))
    (v128.store (local.get $o) (f64x2.add (local.get $evenR) (local.get $oddR)))
    (v128.store offset=16 (local.get $o) (f64x2.add (local.get $evenI) (local.get $oddI)))
    (v128.store offset=32 (local.get $o) (f64x2.sub (local.get $evenR) (local.get $oddR)))
    (v128.store offset=48 (local.get $o) (f64x2.sub (local.get $evenI) (local.get $oddI))))

  ;; fft.js `_singleTransform4(outOff, off, step)`: o, d, s, pair as for $single2.
  (func $single4 (param $o i32) (param $d i32) (param $s i32) (param $pair i32) (param $inv v128)
    (local $x v128) (local $y v128)
    (local $Ar v128) (local $Ai v128) (local $Br v128) (local $Bi v128)
    (local $Cr v128) (local $Ci v128) (local $Dr v128) (local $Di v128)
    (local $T0r v128) (local $T0i v128) (local $T1r v128) (local $T1i v128)
    (local $T2r v128) (local $T2i v128) (local $T3r v128) (local $T3i v128)
    ;; Original values
    (local.set $x (v128.load (local.get $d)))
    (local.set $y (v128.load (i32.add (local.get $d) (local.get $pair))))
    (local.set $Ar (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $x) (local.get $y)))
    (local.set $Ai (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $x) (local.get $y)))
    (local.set $d (i32.add (local.get $d) (local.get $s)))
    (local.set $x (v128.load (local.get $d)))
    (local.set $y (v128.load (i32.add (local.get $d) (local.get $pair))))
    (local.set $Br (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $x) (local.get $y)))
    (local.set $Bi (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $x) (local.get $y)))
    (local.set $d (i32.add (local.get $d) (local.get $s)))
    (local.set $x (v128.load (local.get $d)))
    (local.set $y (v128.load (i32.add (local.get $d) (local.get $pair))))
    (local.set $Cr (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $x) (local.get $y)))
    (local.set $Ci (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $x) (local.get $y)))
    (local.set $d (i32.add (local.get $d) (local.get $s)))
    (local.set $x (v128.load (local.get $d)))
    (local.set $y (v128.load (i32.add (local.get $d) (local.get $pair))))
    (local.set $Dr (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $x) (local.get $y)))
    (local.set $Di (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $x) (local.get $y)))
    ;; Pre-Final values
    (local.set $T0r (f64x2.add (local.get $Ar) (local.get $Cr)))
    (local.set $T0i (f64x2.add (local.get $Ai) (local.get $Ci)))
    (local.set $T1r (f64x2.sub (local.get $Ar) (local.get $Cr)))
    (local.set $T1i (f64x2.sub (local.get $Ai) (local.get $Ci)))
    (local.set $T2r (f64x2.add (local.get $Br) (local.get $Dr)))
    (local.set $T2i (f64x2.add (local.get $Bi) (local.get $Di)))
    (local.set $T3r (f64x2.mul (local.get $inv) (f64x2.sub (local.get $Br) (local.get $Dr))))
    (local.set $T3i (f64x2.mul (local.get $inv) (f64x2.sub (local.get $Bi) (local.get $Di))))
    ;; Final values: FA, FB, FC, FD
    (v128.store (local.get $o) (f64x2.add (local.get $T0r) (local.get $T2r)))
    (v128.store offset=16 (local.get $o) (f64x2.add (local.get $T0i) (local.get $T2i)))
    (v128.store offset=32 (local.get $o) (f64x2.add (local.get $T1r) (local.get $T3i)))
    (v128.store offset=48 (local.get $o) (f64x2.sub (local.get $T1i) (local.get $T3r)))
    (v128.store offset=64 (local.get $o) (f64x2.sub (local.get $T0r) (local.get $T2r)))
    (v128.store offset=80 (local.get $o) (f64x2.sub (local.get $T0i) (local.get $T2i)))
    (v128.store offset=96 (local.get $o) (f64x2.sub (local.get $T1r) (local.get $T3i)))
    (v128.store offset=112 (local.get $o) (f64x2.add (local.get $T1i) (local.get $T3r))))

  ;; fft.js `_transform4` on a pair of lines of n complex values: line A's element m at src + m stride, line B's
  ;; at src + pair + m stride; the result in lane form at out. tab: fft.js's `table` (2n f64), rev: its `_bitrev`
  ;; (the first 2n / len entries, i32, even: off / 2 is the element), width: its `_width`, inv: fft.js's `inv`
  ;; (1 forward, −1 inverse). Integer variables in fft.js's units (array indices), scaled to bytes at use.
  (func $fft (param $n i32) (param $src i32) (param $stride i32) (param $pair i32) (param $out i32) (param $tab i32) (param $rev i32) (param $width i32) (param $inv f64)
    (local $size i32) (local $step i32) (local $len i32) (local $quarterLen i32) (local $outOff i32)
    (local $i i32) (local $limit i32) (local $s i32) (local $vinv v128)
    ;; the butterfly's: byte addresses of A, B, C, D, the quarter q, twiddle pointers tB, tC, tD (k, 2k, 3k) and k's step dB
    (local $a i32) (local $b i32) (local $c i32) (local $d i32) (local $q i32)
    (local $tB i32) (local $tC i32) (local $tD i32) (local $dB i32)
    (local $tr v128) (local $ti v128) (local $Br v128) (local $Bi v128) (local $Cr v128) (local $Ci v128)
    (local $Dr v128) (local $Di v128) (local $MAr v128) (local $MAi v128) (local $MBr v128) (local $MBi v128)
    (local $MCr v128) (local $MCi v128) (local $MDr v128) (local $MDi v128)
    (local $T0r v128) (local $T0i v128) (local $T1r v128) (local $T1i v128)
    (local $T2r v128) (local $T2i v128) (local $T3r v128) (local $T3i v128)
    (local.set $vinv (f64x2.splat (local.get $inv)))
    (local.set $size (i32.shl (local.get $n) (i32.const 1)))
    ;; Initial step (permute and transform)
    (local.set $step (i32.shl (i32.const 1) (local.get $width)))
    (local.set $len (i32.shl (i32.div_u (local.get $size) (local.get $step)) (i32.const 1)))
    (local.set $s (i32.mul (i32.shr_u (local.get $step) (i32.const 1)) (local.get $stride)))
    (local.set $outOff (i32.const 0))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $outOff) (local.get $size)))
      (if (i32.eq (local.get $len) (i32.const 4))
        (then (call $single2
          (i32.add (local.get $out) (i32.shl (local.get $outOff) (i32.const 4)))
          (i32.add (local.get $src) (i32.mul (i32.shr_u (i32.load (local.get $rev)) (i32.const 1)) (local.get $stride)))
          (local.get $s) (local.get $pair)))
        (else (call $single4
          (i32.add (local.get $out) (i32.shl (local.get $outOff) (i32.const 4)))
          (i32.add (local.get $src) (i32.mul (i32.shr_u (i32.load (local.get $rev)) (i32.const 1)) (local.get $stride)))
          (local.get $s) (local.get $pair) (local.get $vinv))))
      (local.set $rev (i32.add (local.get $rev) (i32.const 4)))
      (local.set $outOff (i32.add (local.get $outOff) (local.get $len)))
      (br $next)))
    ;; Loop through steps in decreasing order
    (local.set $step (i32.shr_u (local.get $step) (i32.const 2)))
    (block $stepsDone (loop $steps
      (br_if $stepsDone (i32.lt_u (local.get $step) (i32.const 2)))
      (local.set $len (i32.shl (i32.div_u (local.get $size) (local.get $step)) (i32.const 1)))
      (local.set $quarterLen (i32.shr_u (local.get $len) (i32.const 2)))
      (local.set $q (i32.shl (local.get $quarterLen) (i32.const 4)))
      (local.set $dB (i32.shl (local.get $step) (i32.const 3)))
      ;; Loop through offsets in the data
      (local.set $outOff (i32.const 0))
      (block $offsDone (loop $offs
        (br_if $offsDone (i32.ge_u (local.get $outOff) (local.get $size)))
        (local.set $limit (i32.add (local.get $outOff) (local.get $quarterLen)))
        (local.set $i (local.get $outOff))
        (local.set $tB (local.get $tab))
        (local.set $tC (local.get $tab))
        (local.set $tD (local.get $tab))
        (block $bflyDone (loop $bfly
          (br_if $bflyDone (i32.ge_u (local.get $i) (local.get $limit)))
          ;; one radix-4 butterfly in place at A = out + 16 i, B, C, D a quarter (q bytes) apart; twiddles
          ;; table[k], table[2k], table[3k] at tB, tC, tD
          (local.set $a (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 4))))
          (local.set $b (i32.add (local.get $a) (local.get $q)))
          (local.set $c (i32.add (local.get $b) (local.get $q)))
          (local.set $d (i32.add (local.get $c) (local.get $q)))
          ;; Original values (MA = A)
          (local.set $MAr (v128.load (local.get $a)))
          (local.set $MAi (v128.load offset=16 (local.get $a)))
          (local.set $Br (v128.load (local.get $b)))
          (local.set $Bi (v128.load offset=16 (local.get $b)))
          (local.set $Cr (v128.load (local.get $c)))
          (local.set $Ci (v128.load offset=16 (local.get $c)))
          (local.set $Dr (v128.load (local.get $d)))
          (local.set $Di (v128.load offset=16 (local.get $d)))
          ;; MB = B · (table[k], inv · table[k + 1])
          (local.set $tr (f64x2.splat (f64.load (local.get $tB))))
          (local.set $ti (f64x2.splat (f64.mul (local.get $inv) (f64.load offset=8 (local.get $tB)))))
          (local.set $MBr (f64x2.sub (f64x2.mul (local.get $Br) (local.get $tr)) (f64x2.mul (local.get $Bi) (local.get $ti))))
          (local.set $MBi (f64x2.add (f64x2.mul (local.get $Br) (local.get $ti)) (f64x2.mul (local.get $Bi) (local.get $tr))))
          ;; MC = C · (table[2k], inv · table[2k + 1])
          (local.set $tr (f64x2.splat (f64.load (local.get $tC))))
          (local.set $ti (f64x2.splat (f64.mul (local.get $inv) (f64.load offset=8 (local.get $tC)))))
          (local.set $MCr (f64x2.sub (f64x2.mul (local.get $Cr) (local.get $tr)) (f64x2.mul (local.get $Ci) (local.get $ti))))
          (local.set $MCi (f64x2.add (f64x2.mul (local.get $Cr) (local.get $ti)) (f64x2.mul (local.get $Ci) (local.get $tr))))
          ;; MD = D · (table[3k], inv · table[3k + 1])
          (local.set $tr (f64x2.splat (f64.load (local.get $tD))))
          (local.set $ti (f64x2.splat (f64.mul (local.get $inv) (f64.load offset=8 (local.get $tD)))))
          (local.set $MDr (f64x2.sub (f64x2.mul (local.get $Dr) (local.get $tr)) (f64x2.mul (local.get $Di) (local.get $ti))))
          (local.set $MDi (f64x2.add (f64x2.mul (local.get $Dr) (local.get $ti)) (f64x2.mul (local.get $Di) (local.get $tr))))
          ;; Pre-Final values
          (local.set $T0r (f64x2.add (local.get $MAr) (local.get $MCr)))
          (local.set $T0i (f64x2.add (local.get $MAi) (local.get $MCi)))
          (local.set $T1r (f64x2.sub (local.get $MAr) (local.get $MCr)))
          (local.set $T1i (f64x2.sub (local.get $MAi) (local.get $MCi)))
          (local.set $T2r (f64x2.add (local.get $MBr) (local.get $MDr)))
          (local.set $T2i (f64x2.add (local.get $MBi) (local.get $MDi)))
          (local.set $T3r (f64x2.mul (local.get $vinv) (f64x2.sub (local.get $MBr) (local.get $MDr))))
          (local.set $T3i (f64x2.mul (local.get $vinv) (f64x2.sub (local.get $MBi) (local.get $MDi))))
          ;; Final values: FA at A, FB at B, FC at C, FD at D
          (v128.store (local.get $a) (f64x2.add (local.get $T0r) (local.get $T2r)))
          (v128.store offset=16 (local.get $a) (f64x2.add (local.get $T0i) (local.get $T2i)))
          (v128.store (local.get $b) (f64x2.add (local.get $T1r) (local.get $T3i)))
          (v128.store offset=16 (local.get $b) (f64x2.sub (local.get $T1i) (local.get $T3r)))
          (v128.store (local.get $c) (f64x2.sub (local.get $T0r) (local.get $T2r)))
          (v128.store offset=16 (local.get $c) (f64x2.sub (local.get $T0i) (local.get $T2i)))
          (v128.store (local.get $d) (f64x2.sub (local.get $T1r) (local.get $T3i)))
          (v128.store offset=16 (local.get $d) (f64x2.add (local.get $T1i) (local.get $T3r)))
          (local.set $i (i32.add (local.get $i) (i32.const 2)))
          (local.set $tB (i32.add (local.get $tB) (local.get $dB)))
          (local.set $tC (i32.add (local.get $tC) (i32.shl (local.get $dB) (i32.const 1))))
          (local.set $tD (i32.add (local.get $tD) (i32.mul (local.get $dB) (i32.const 3))))
          (br $bfly)))
        (local.set $outOff (i32.add (local.get $outOff) (local.get $len)))
        (br $offs)))
      (local.set $step (i32.shr_u (local.get $step) (i32.const 2)))
      (br $steps))))

  ;; GridFourier.transformInPlace on the interleaved field at u (x fastest, nx × ny, both powers of two ≥ 2):
  ;; the rows in pairs (j, j + 1), then the columns in pairs (i, i + 1), each pair as ComplexFFT.transform does
  ;; one line (fft.js `transform`, or `inverseTransform` when inverse ≠ 0). out: scratch of 32 max(nx, ny) bytes;
  ;; tabX/revX/widthX and tabY/revY/widthY: fft.js's tables for nx and for ny.
  (func (export "transform2d")
    (param $u i32) (param $nx i32) (param $ny i32) (param $out i32)
    (param $tabX i32) (param $revX i32) (param $widthX i32) (param $tabY i32) (param $revY i32) (param $widthY i32)
    (param $inverse i32)
    (local $inv f64) (local $row i32) (local $src i32) (local $end i32)
    (local.set $inv (select (f64.const -1) (f64.const 1) (local.get $inverse)))
    (local.set $row (i32.shl (local.get $nx) (i32.const 4)))
    ;; rows j, j + 1: elements 16 bytes apart, the second row 16 nx bytes after the first
    (local.set $src (local.get $u))
    (local.set $end (i32.add (local.get $u) (i32.mul (local.get $row) (local.get $ny))))
    (block $rowsDone (loop $rows
      (br_if $rowsDone (i32.ge_u (local.get $src) (local.get $end)))
      (call $fft (local.get $nx) (local.get $src) (i32.const 16) (local.get $row) (local.get $out) (local.get $tabX) (local.get $revX) (local.get $widthX) (local.get $inv))
      (call $scatter (local.get $out) (local.get $src) (i32.const 16) (local.get $row) (local.get $nx) (local.get $inverse))
      (local.set $src (i32.add (local.get $src) (i32.shl (local.get $row) (i32.const 1))))
      (br $rows)))
    ;; columns i, i + 1: elements 16 nx bytes apart, the second column 16 bytes after the first
    (local.set $src (local.get $u))
    (local.set $end (i32.add (local.get $u) (local.get $row)))
    (block $colsDone (loop $cols
      (br_if $colsDone (i32.ge_u (local.get $src) (local.get $end)))
      (call $fft (local.get $ny) (local.get $src) (local.get $row) (i32.const 16) (local.get $out) (local.get $tabY) (local.get $revY) (local.get $widthY) (local.get $inv))
      (call $scatter (local.get $out) (local.get $src) (local.get $row) (i32.const 16) (local.get $ny) (local.get $inverse))
      (local.set $src (i32.add (local.get $src) (i32.const 32)))
      (br $cols))))
)
