/**
 * The per-velocity and per-cell kernels of the 2D kinetic stepper (kinetic2d.ts), written so that any
 * number of threads can run them over shared memory with bitwise the same results:
 *
 *  - velocity kernels run over *groups*: NG fixed contiguous ranges of the step's active velocities.
 *    Each group accumulates its own partial face sums <v γ avg q> (accxG, accyG), and ACCSUM adds the
 *    NG partials in group order. A thread takes whole groups (the next one free, from a shared
 *    counter: the same for the factorisation's units and the inactive velocities), so every floating-point
 *    operation and its order are the same for every thread count and every assignment (the groups do not
 *    depend on either);
 *  - cell kernels (ACCSUM, the bound projection of q, the error estimate's sums) run over cell ranges
 *    and loop over the velocities in order for each cell: the same per cell for any partition.
 *
 * The context is built by `new Kinetic2DKernels(arrays, layout, thread, memory)` from arrays allocated in a
 * SharedArena (or plain ones for one thread); tasks name the arrays of the rotating time levels by id
 * in `args`. Scalars of the step are in `par`. All sizes and tables are copied into the layout.
 * When the arena put every array in a WebAssembly.Memory (`memory` given), the line factorisations and
 * solves, the history right-hand side with the splitting term (one pass, factored2d.histSplit), the line
 * operators of the exact mode's M_k, G_k x, the face sums and the cell tasks' passes over q
 * (./cells2d.ts) run as WebAssembly (../wasm/kernels.ts; bitwise the same as the JavaScript) on any vector that lives in that memory;
 * vectors outside it (the exact mode's GMRES) take the JavaScript path.
 */
import { applyLineOp, factorCols, factorRows, histSplit, solveCols, solveRows } from '../transport/factored2d.js';
import { momentWeights2D, type LevelMomentArrays } from '../microMacro/moments.js';
import type { ArenaArray } from '../parallel/arena.js';
import { ExactVelocitySolve } from './exactVelocitySolve.js';
import { wasmKernels, type WasmKernels } from '../wasm/kernels.js';
import { estimateTask, momentsTask, projectQTask, type MomentOutputs } from './cells2d.js';
import { Arg, FIXED_ARRAYS, MOMENT_ARRAYS, Par, Task2D, VELOCITY_GROUPS, lineScratchSize, type Kinetic2DLayout } from './kernels2dLayout.js';

export class Kinetic2DKernels {
  readonly N: number;
  private readonly a: Record<string, ArenaArray>;
  // scratch (this thread's own)
  private readonly t1: Float64Array;
  private readonly t2: Float64Array;
  private readonly lineA: Float64Array;
  private readonly lineB: Float64Array;
  private readonly southBuf: Float64Array;
  private exact: ExactVelocitySolve | null = null;

  /** The WebAssembly line kernels on the arena's memory (null: the JavaScript ones). */
  private readonly wasm: WasmKernels | null;
  /** Calls of the WebAssembly kernels on this thread (per-velocity solves, G_k, face sums; 0 with the JavaScript ones). */
  wasmCalls = 0;
  /** The memory's buffers (one per growth) of the arrays the WebAssembly kernels can address. */
  private readonly wasmBuffers = new Set<ArrayBufferLike>();

  /**
   * `thread`: this thread's index (its scratch in 'lineScratch'); `memory`: the WebAssembly.Memory that holds
   * every array (SharedArena with a memory, all in it), or null for the JavaScript kernels.
   */
  constructor(
    private readonly arrays: ArenaArray[],
    readonly L: Kinetic2DLayout,
    thread = 0,
    memory: WebAssembly.Memory | null = null,
  ) {
    this.N = L.nx * L.ny;
    this.a = {};
    for (const name of FIXED_ARRAYS) this.a[name] = arrays[L.ids[name]];
    const ls = Math.max(L.nx, L.ny);
    const sc = this.f('lineScratch');
    const at = thread * lineScratchSize(L.nx, L.ny);
    const N = this.N;
    this.t1 = sc.subarray(at, at + N);
    this.t2 = sc.subarray(at + N, at + 2 * N);
    this.lineA = sc.subarray(at + 2 * N, at + 2 * N + ls);
    this.southBuf = sc.subarray(at + 2 * N + ls, at + 2 * N + ls + L.nx);
    this.lineB = new Float64Array(ls);
    this.wasm = memory ? wasmKernels(memory) : null;
    if (memory) for (const x of arrays) this.wasmBuffers.add(x.buffer);
  }

  private f(name: string): Float64Array {
    return this.a[name] as Float64Array;
  }

  private arg(i: Arg): Float64Array {
    return this.arrays[(this.a.args as Int32Array)[i]] as Float64Array;
  }

  /** Run this thread's share (thread t of T) of a task. */
  run(task: Task2D, t: number, T: number): void {
    const par = this.f('par');
    const res = this.a.result as Int32Array;
    const share = (n: number): [number, number] => [Math.floor((n * t) / T), Math.floor((n * (t + 1)) / T)];
    switch (task) {
      // Per-unit and per-velocity tasks are taken item by item from the shared counter `next` (reset to 0 by the
      // stepper before each such task): whichever thread computes an item, its operations and its outputs (a
      // unit's factors, a group's partial face sums, a velocity's q) are the same, and a thread that was
      // descheduled or got the costlier items (x-lines factor slower than y-lines) no longer holds the others up.
      case Task2D.FACTOR: {
        const next = this.a.next as Int32Array;
        const n = par[Par.NUNITS];
        for (let u = Atomics.add(next, 0, 1); u < n; u = Atomics.add(next, 0, 1)) this.factor(u, u + 1);
        break;
      }
      case Task2D.HIST:
      case Task2D.SCHUR:
      case Task2D.CORRECT:
      case Task2D.COMBINE: {
        const next = this.a.next as Int32Array;
        for (let g = Atomics.add(next, 0, 1); g < VELOCITY_GROUPS; g = Atomics.add(next, 0, 1)) this.group(task, g);
        break;
      }
      case Task2D.INACTIVE: {
        const next = this.a.next as Int32Array;
        const n = par[Par.NINACT];
        const list = this.a.inactList as Int32Array;
        for (let j = Atomics.add(next, 0, 1); j < n; j = Atomics.add(next, 0, 1)) this.inactive(list[j]);
        break;
      }
      case Task2D.ACCSUM: {
        const [p0, p1] = share(this.N);
        this.accSum(p0, p1);
        break;
      }
      case Task2D.PROJECT: {
        const [p0, p1] = share(this.N);
        const L = this.L;
        const q = this.arg(Arg.QNEW);
        res[t] = projectQTask(this.wasmOn(q, q), this.N, L.K, this.wk, L.lo, L.hi, L.useLimiter, this.arg(Arg.RHO), q, this.f('sum'), this.f('qmax'), this.f('qmin'), this.a.limitedC as Uint8Array, p0, p1);
        break;
      }
      case Task2D.ESTIMATE: {
        const [p0, p1] = share(this.N);
        const qN = this.arg(Arg.QN);
        const qOld = this.arg(Arg.QOLD);
        const qOld2 = this.arg(Arg.QOLD2);
        const qNew = this.arg(Arg.QNEW);
        const wasm = this.wasmBuffers.has(qOld.buffer) && this.wasmBuffers.has(qOld2.buffer) ? this.wasmOn(qN, qNew) : null;
        // (qNew is one of the levels' arrays, all in the arena: the outputs' description is made once)
        const moments = par[Par.MOMENTS] === 1 ? (this.momentOutputs ??= { wasm: this.wasmOn(qNew, qNew), wk: this.momentWeights, wm: this.f('momentWeights'), out: this.momentArrays() }) : null;
        estimateTask(wasm, this.N, this.L.K, this.wk, this.arg(Arg.RHON), qN, qOld, qOld2, qNew, this.f('er'), this.f('filt'), this.f('se'), this.f('sy'), par[Par.P0], par[Par.P1], par[Par.P2], moments, p0, p1);
        break;
      }
      case Task2D.MOMENTS: {
        const [p0, p1] = share(this.N);
        const q = this.arg(Arg.QMOM);
        momentsTask(this.wasmOn(q, q), this.N, this.L.K, this.momentWeights, this.f('momentWeights'), q, this.momentArrays(), p0, p1);
        break;
      }
      default:
        throw new Error(`Kinetic2DKernels: unknown task ${task as number}`);
    }
  }

  private mw: Float64Array[] | null = null;
  private momentOutputs: MomentOutputs | null = null;

  /** The moments' per-velocity weights (momentWeights2D), made once. */
  private get momentWeights(): Float64Array[] {
    return (this.mw ??= momentWeights2D(this.L.w, this.L.vx, this.L.vy));
  }

  /** The WebAssembly kernels when they run and both vectors live in their memory (a call counted), else null. */
  private wasmOn(x: Float64Array, y: Float64Array): WasmKernels | null {
    if (!this.wasm || !this.wasmBuffers.has(x.buffer) || !this.wasmBuffers.has(y.buffer)) return null;
    this.wasmCalls++;
    return this.wasm;
  }

  /** The MOMENTS task's output arrays. */
  momentArrays(): LevelMomentArrays {
    const f = (n: (typeof MOMENT_ARRAYS)[number]) => this.f(n);
    return (this.momentViews ??= { s0: f('mS0'), q2: f('mQ2'), jx: f('mJx'), jy: f('mJy'), exx: f('mExx'), exy: f('mExy'), eyy: f('mEyy'), qmin: f('mQmin'), qmax: f('mQmax') });
  }

  private momentViews: LevelMomentArrays | null = null;

  /** The weights w_k: the first K values of 'momentWeights' (w_k × 1), in the arena (WebAssembly reads them). */
  private get wk(): Float64Array {
    return (this.wArr ??= this.f('momentWeights').subarray(0, this.L.K));
  }
  private wArr: Float64Array | null = null;

  // --- factorisation -------------------------------------------------------------------------------

  /** Factor the used units u0..u1-1 (x units, then y units). */
  private factor(u0: number, u1: number): void {
    const { nx, ny, nUnitsX } = this.L;
    const N = this.N;
    const used = this.a.unitUsed as Uint8Array;
    const us = this.f('unitS');
    const uc = this.f('unitC');
    const inv = this.f('invU');
    const z = this.f('zU');
    const invS = this.f('invSU');
    const aC = this.f('aC');
    for (let u = u0; u < u1; u++) {
      if (!used[u]) continue;
      const gOff = this.unitG(u);
      if (u < nUnitsX) {
        if (this.wasm) {
          this.wasmCalls++;
          const gx = this.f('gx');
          const gax = this.f('gax');
          this.wasm.factorRows(nx, ny, us[u], uc[u], gx.byteOffset + 8 * gOff, gax.byteOffset + 8 * gOff, aC.byteOffset, inv.byteOffset + 8 * u * N, z.byteOffset + 8 * u * N, invS.byteOffset + 8 * u * Math.max(nx, ny));
        } else factorRows(nx, ny, us[u], uc[u], this.f('gx'), this.f('gax'), gOff, aC, inv, z, u * N, invS, u * Math.max(nx, ny));
      } else if (this.wasm) {
        this.wasmCalls++;
        const gy = this.f('gy');
        const gay = this.f('gay');
        this.wasm.factorCols(nx, ny, us[u], uc[u], gy.byteOffset + 8 * gOff, gay.byteOffset + 8 * gOff, aC.byteOffset, inv.byteOffset + 8 * u * N, z.byteOffset + 8 * u * N, invS.byteOffset + 8 * u * Math.max(nx, ny));
      } else factorCols(nx, ny, us[u], uc[u], this.f('gy'), this.f('gay'), gOff, aC, inv, z, u * N, invS, u * Math.max(nx, ny), this.lineA, this.lineB);
    }
  }

  /** Offset of a unit's γ arrays (by its |v| component along its direction). */
  private unitG(u: number): number {
    return (this.unitAbs ??= this.unitAbsTable())[u] * this.N;
  }
  private unitAbs: Int32Array | null = null;
  private unitAbsTable(): Int32Array {
    const { K, nUnitsX, nUnitsY, unitX, unitY, axIdx, ayIdx } = this.L;
    const t = new Int32Array(nUnitsX + nUnitsY);
    for (let k = 0; k < K; k++) {
      t[unitX[k]] = axIdx[k];
      t[unitY[k]] = ayIdx[k];
    }
    return t;
  }

  // --- per-velocity solves -------------------------------------------------------------------------

  /** x <- Mt_k^{-1} x (stabilised factorisation), or M_k^{-1} x to tolerance in the exact mode. */
  solveVel(k: number, x: Float64Array, off: number): void {
    if (this.f('par')[Par.EXACT]) {
      this.solveExact(k, x, off);
      return;
    }
    this.solveFactored(k, x, off);
  }

  private solveFactored(k: number, x: Float64Array, off: number): void {
    const { nx, ny, unitX, unitY } = this.L;
    const N = this.N;
    const ax = (this.a.actX as Uint8Array)[k];
    const ay = (this.a.actY as Uint8Array)[k];
    const us = this.f('unitS');
    const uc = this.f('unitC');
    const inv = this.f('invU');
    const z = this.f('zU');
    const invS = this.f('invSU');
    const aC = this.f('aC');
    const ls = Math.max(nx, ny);
    const w = this.wasm && this.wasmBuffers.has(x.buffer) ? this.wasm : null;
    if (w) this.wasmCalls++;
    if (ax) {
      const u = unitX[k];
      const gx = this.f('gx');
      const gax = this.f('gax');
      const gOff = this.unitG(u);
      if (w) w.solveRows(nx, ny, us[u], uc[u], gx.byteOffset + 8 * gOff, gax.byteOffset + 8 * gOff, inv.byteOffset + 8 * u * N, z.byteOffset + 8 * u * N, invS.byteOffset + 8 * u * ls, x.byteOffset + 8 * off);
      else solveRows(nx, ny, us[u], uc[u], gx, gax, gOff, inv, z, u * N, invS, u * ls, x, off);
    }
    if (ay) {
      // a x between the two line solves when both act: fused into the column solve's forward sweep
      const u = unitY[k];
      const gy = this.f('gy');
      const gay = this.f('gay');
      const gOff = this.unitG(u);
      if (w) w.solveCols(nx, ny, us[u], uc[u], gy.byteOffset + 8 * gOff, gay.byteOffset + 8 * gOff, inv.byteOffset + 8 * u * N, z.byteOffset + 8 * u * N, invS.byteOffset + 8 * u * ls, x.byteOffset + 8 * off, this.lineA.byteOffset, aC.byteOffset, ax);
      else solveCols(nx, ny, us[u], uc[u], gy, gay, gOff, inv, z, u * N, invS, u * ls, x, off, this.lineA, ax ? aC : null);
    }
    if (!ax && !ay) this.divideBy(x, off, aC);
  }

  private divideBy(x: Float64Array, off: number, a: Float64Array): void {
    const N = this.N;
    if (this.wasm && this.wasmBuffers.has(x.buffer)) {
      this.wasmCalls++;
      this.wasm.divide(x.byteOffset + 8 * off, a.byteOffset, N);
      return;
    }
    for (let p = 0; p < N; p++) x[off + p] /= a[p];
  }

  /** out = (c A + T) q along x (dir 0) or y (dir 1) with the γ block at gOff (factored2d.applyLineOp, or its WebAssembly twin). */
  private lineOp(dir: number, s: number, c: number, gOff: number, q: Float64Array, qOff: number, out: Float64Array): void {
    const { nx, ny } = this.L;
    const g = this.f(dir ? 'gy' : 'gx');
    const ga = this.f(dir ? 'gay' : 'gax');
    if (this.wasm && this.wasmBuffers.has(q.buffer) && this.wasmBuffers.has(out.buffer)) {
      this.wasmCalls++;
      this.wasm.applyLineOp(nx, ny, dir, s, c, g.byteOffset + 8 * gOff, ga.byteOffset + 8 * gOff, q.byteOffset + 8 * qOff, out.byteOffset);
    } else applyLineOp(nx, ny, dir, s, c, g, ga, gOff, q, qOff, out);
  }

  /** out = M_k x = a x + Tx x + Ty x (the exact per-velocity operator). */
  applyM(k: number, x: Float64Array, off: number, out: Float64Array): void {
    const { unitX, unitY } = this.L;
    const N = this.N;
    const us = this.f('unitS');
    const aC = this.f('aC');
    const t = this.t2;
    this.lineOp(0, us[unitX[k]], 0, this.unitG(unitX[k]), x, off, out);
    this.lineOp(1, us[unitY[k]], 0, this.unitG(unitY[k]), x, off, t);
    for (let p = 0; p < N; p++) out[p] += t[p] + aC[p] * x[off + p];
  }

  /** Reference mode: x <- M_k^{-1} x (./exactVelocitySolve.ts); a velocity active in one direction only is its line solve. */
  private solveExact(k: number, x: Float64Array, off: number): void {
    const ax = (this.a.actX as Uint8Array)[k];
    const ay = (this.a.actY as Uint8Array)[k];
    if (!(ax && ay)) {
      this.solveFactored(k, x, off); // one direction (or none): the lines are the exact operator
      return;
    }
    this.exact ??= new ExactVelocitySolve(
      this.N,
      (kk, v, out) => this.applyM(kk, v, 0, out),
      (kk, z) => this.solveFactored(kk, z, 0),
    );
    this.exact.solve(k, x, off);
  }

  // --- G_k and the face sums -----------------------------------------------------------------------

  /**
   * y = base − G_k x (base = null: y = G_k x), G_k x = c0 x + dt (Dx Φx + Dy Φy), Φ = (v/eps) avg x − v² (1 − γ) Df D x.
   * One pass (the south face values of the row below kept in a line buffer).
   */
  applyG(k: number, x: Float64Array, y: Float64Array, yOff: number, sign: number): void {
    const { nx, ny, dx, dy, eps, axIdx, ayIdx } = this.L;
    const N = this.N;
    const par = this.f('par');
    const dt = par[Par.DT];
    const c0 = par[Par.C0];
    const vx = this.L.vx[k];
    const vy = this.L.vy[k];
    const ax = vx / (2 * eps);
    const ay = vy / (2 * eps);
    const bx = (vx * vx) / dx;
    const by = (vy * vy) / dy;
    const ox = axIdx[k] * N;
    const oy = ayIdx[k] * N;
    const gx = this.f('gx');
    const gy = this.f('gy');
    const Dfx = this.f('Dfx');
    const Dfy = this.f('Dfy');
    const south = this.southBuf;
    const cx = dt / dx;
    const cy = dt / dy;
    if (this.wasm && this.wasmBuffers.has(x.buffer) && this.wasmBuffers.has(y.buffer)) {
      this.wasmCalls++;
      this.wasm.applyG(nx, ny, ax, ay, bx, by, c0, cx, cy, x.byteOffset, y.byteOffset + 8 * yOff, gx.byteOffset + 8 * ox, gy.byteOffset + 8 * oy, Dfx.byteOffset, Dfy.byteOffset, south.byteOffset, sign < 0 ? 1 : 0);
      return;
    }
    {
      const row = nx * (ny - 1);
      for (let i = 0; i < nx; i++) {
        const p = row + i;
        const xp = x[p];
        const xn = x[i];
        south[i] = ay * (xp + xn) - by * (1 - gy[oy + p]) * Dfy[p] * (xn - xp);
      }
    }
    for (let j = 0; j < ny; j++) {
      const row = nx * j;
      const rn = nx * (j + 1 === ny ? 0 : j + 1);
      const pl = row + nx - 1;
      let west = ax * (x[pl] + x[row]) - bx * (1 - gx[ox + pl]) * Dfx[pl] * (x[row] - x[pl]);
      for (let i = 0; i < nx; i++) {
        const p = row + i;
        const xp = x[p];
        const xe = i + 1 === nx ? x[row] : x[p + 1];
        const xn = x[rn + i];
        const east = ax * (xp + xe) - bx * (1 - gx[ox + p]) * Dfx[p] * (xe - xp);
        const north = ay * (xp + xn) - by * (1 - gy[oy + p]) * Dfy[p] * (xn - xp);
        const g = c0 * xp + cx * (east - west) + cy * (north - south[i]);
        y[yOff + p] = sign < 0 ? y[yOff + p] - g : g;
        west = east;
        south[i] = north;
      }
    }
  }

  /** Group g's partial face sums += <v γ avg q_k> of velocity k. */
  private accumulate(k: number, q: Float64Array, off: number, g: number): void {
    const { nx, ny, axIdx, ayIdx } = this.L;
    const N = this.N;
    const cx = 0.5 * this.L.w[k] * this.L.vx[k];
    const cy = 0.5 * this.L.w[k] * this.L.vy[k];
    const bx = axIdx[k] * N;
    const by = ayIdx[k] * N;
    const gx = this.f('gx');
    const gy = this.f('gy');
    const ax = this.f('accxG');
    const ay = this.f('accyG');
    const gb = g * N;
    if (this.wasm && this.wasmBuffers.has(q.buffer)) {
      this.wasmCalls++;
      this.wasm.accumulate(nx, ny, cx, cy, q.byteOffset + 8 * off, gx.byteOffset + 8 * bx, gy.byteOffset + 8 * by, ax.byteOffset + 8 * gb, ay.byteOffset + 8 * gb);
      return;
    }
    for (let j = 0; j < ny; j++) {
      const row = nx * j;
      const rn = nx * (j + 1 === ny ? 0 : j + 1);
      for (let i = 0; i < nx; i++) {
        const p = i + row;
        const ie = i + 1 === nx ? row : p + 1;
        const qp = q[off + p];
        ax[gb + p] += cx * gx[bx + p] * (qp + q[off + ie]);
        ay[gb + p] += cy * gy[by + p] * (qp + q[off + i + rn]);
      }
    }
  }

  /** The velocity kernels of one group: HIST (predicted q from rho), SCHUR (M^{-1} G x), CORRECT (q -= M^{-1} G delta), COMBINE (q -= Σ y_c U_c). */
  private group(task: Task2D, g: number): void {
    const N = this.N;
    const gs = this.a.groupStart as Int32Array;
    const list = this.a.actList as Int32Array;
    const k0 = gs[g];
    const k1 = gs[g + 1];
    this.f('accxG').fill(0, g * N, (g + 1) * N);
    this.f('accyG').fill(0, g * N, (g + 1) * N);
    for (let j = k0; j < k1; j++) {
      const k = list[j];
      if (task === Task2D.HIST) this.histVel(k, g);
      else if (task === Task2D.SCHUR) this.schurVel(k, g);
      else if (task === Task2D.COMBINE) this.combineVel(k, g);
      else this.correctVel(k, g);
    }
  }

  /** qNew_k = a1 qN_k − a2 qOld_k + E_k qN_k + histRho − G_k rho, then qNew_k <- Mt_k^{-1} qNew_k, and its face sums. */
  private histVel(k: number, g: number): void {
    const N = this.N;
    const par = this.f('par');
    const a1 = par[Par.A1];
    const a2 = par[Par.A2];
    const qN = this.arg(Arg.QN);
    const qO = this.arg(Arg.QOLD);
    const qNew = this.arg(Arg.QNEW);
    const hr = this.f('histRho');
    const b = k * N;
    const both = (this.a.actX as Uint8Array)[k] && (this.a.actY as Uint8Array)[k] && !par[Par.EXACT];
    if (both) this.histSplit(k, b, a1, a2, qN, qO, hr, qNew);
    else this.hist(b, a1, a2, qN, qO, hr, qNew);
    this.applyG(k, this.arg(Arg.RHO), qNew, b, -1);
    this.solveVel(k, qNew, b);
    this.accumulate(k, qNew, b, g);
  }

  private hist(b: number, a1: number, a2: number, qN: Float64Array, qO: Float64Array, hr: Float64Array, out: Float64Array): void {
    const N = this.N;
    if (this.wasm) {
      this.wasmCalls++;
      this.wasm.hist(out.byteOffset + 8 * b, qN.byteOffset + 8 * b, qO.byteOffset + 8 * b, hr.byteOffset, a1, a2, N);
      return;
    }
    for (let p = 0; p < N; p++) out[b + p] = a1 * qN[b + p] - a2 * qO[b + p] + hr[p];
  }

  /**
   * out_k = a1 qN_k − a2 qO_k + E_k qN_k + hr for a velocity active in both directions, E_k = Ax + Ay + (Ax + Tx) a⁻¹ (Ay + Ty)
   * the splitting term of the stabilised factorisation: one pass over the rows (factored2d.histSplit or its
   * WebAssembly twin; lineA and southBuf, free until applyG, hold a row of (Ay + Ty) q / a and of Ay q).
   */
  private histSplit(k: number, b: number, a1: number, a2: number, qN: Float64Array, qO: Float64Array, hr: Float64Array, out: Float64Array): void {
    const { nx, ny } = this.L;
    const us = this.f('unitS');
    const uc = this.f('unitC');
    const aC = this.f('aC');
    const ux = this.L.unitX[k];
    const uy = this.L.unitY[k];
    const gxOff = this.unitG(ux);
    const gyOff = this.unitG(uy);
    const gx = this.f('gx');
    const gax = this.f('gax');
    const gy = this.f('gy');
    const gay = this.f('gay');
    if (this.wasm) {
      this.wasmCalls++;
      this.wasm.histSplit(nx, ny, us[ux], uc[ux], gx.byteOffset + 8 * gxOff, gax.byteOffset + 8 * gxOff, us[uy], uc[uy], gy.byteOffset + 8 * gyOff, gay.byteOffset + 8 * gyOff, aC.byteOffset, a1, a2, qN.byteOffset + 8 * b, qO.byteOffset + 8 * b, hr.byteOffset, out.byteOffset + 8 * b, this.lineA.byteOffset, this.southBuf.byteOffset);
      return;
    }
    histSplit(nx, ny, us[ux], uc[ux], gx, gax, gxOff, us[uy], uc[uy], gy, gay, gyOff, aC, a1, a2, qN, qO, b, hr, out, this.lineA, this.southBuf);
  }

  /** Group g's face sums += those of M_k⁻¹ G_k x, the solve kept in the store's slot par[STORE] (≥ 0) for COMBINE. */
  private schurVel(k: number, g: number): void {
    const slot = this.f('par')[Par.STORE];
    const t = slot >= 0 ? this.f('store') : this.t1;
    const off = slot >= 0 ? (slot * this.L.K + k) * this.N : 0;
    this.applyG(k, this.arg(Arg.X), t, off, 1);
    this.solveVel(k, t, off);
    this.accumulate(k, t, off, g);
  }

  /** qNew_k −= Σ_c y_c U_c[k] (c < par[NCOMBINE], summed in order: the stored solves of the cycle's directions), and its face sums. */
  private combineVel(k: number, g: number): void {
    const N = this.N;
    const K = this.L.K;
    const qNew = this.arg(Arg.QNEW);
    const U = this.f('store');
    const y = this.f('storeY');
    const m = this.f('par')[Par.NCOMBINE];
    const b = k * N;
    if (this.wasm) {
      this.wasmCalls++;
      this.wasm.combine(qNew.byteOffset + 8 * b, U.byteOffset + 8 * b, 8 * K * N, y.byteOffset, m, N);
    } else {
      for (let p = 0; p < N; p++) {
        let s = y[0] * U[b + p];
        for (let c = 1; c < m; c++) s += y[c] * U[c * K * N + b + p];
        qNew[b + p] -= s;
      }
    }
    this.accumulate(k, qNew, b, g);
  }

  private correctVel(k: number, g: number): void {
    const N = this.N;
    const t = this.t1;
    const qNew = this.arg(Arg.QNEW);
    this.applyG(k, this.arg(Arg.X), t, 0, 1);
    this.solveVel(k, t, 0);
    const b = k * N;
    if (this.wasm) {
      this.wasmCalls++;
      this.wasm.subtract(qNew.byteOffset + 8 * b, t.byteOffset, N);
    } else for (let p = 0; p < N; p++) qNew[b + p] -= t[p];
    this.accumulate(k, qNew, b, g);
  }

  /** q_k = (a1 qN_k − a2 qOld_k + histRho − G_k rho) / a for a velocity with γ = 0 everywhere. */
  private inactive(k: number): void {
    const N = this.N;
    const par = this.f('par');
    const qNew = this.arg(Arg.QNEW);
    const b = k * N;
    this.hist(b, par[Par.A1], par[Par.A2], this.arg(Arg.QN), this.arg(Arg.QOLD), this.f('histRho'), qNew);
    this.applyG(k, this.arg(Arg.RHO), qNew, b, -1);
    this.divideBy(qNew, b, this.f('aC'));
  }

  /** accx, accy = the sum of the groups' partial face sums, in group order. */
  private accSum(p0: number, p1: number): void {
    const N = this.N;
    const ax = this.f('accxG');
    const ay = this.f('accyG');
    const sx = this.f('accx');
    const sy = this.f('accy');
    for (let p = p0; p < p1; p++) {
      sx[p] = 0;
      sy[p] = 0;
    }
    for (let g = 0; g < VELOCITY_GROUPS; g++) {
      const b = g * N;
      for (let p = p0; p < p1; p++) {
        sx[p] += ax[b + p];
        sy[p] += ay[b + p];
      }
    }
  }
}
