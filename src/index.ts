/**
 * nlbgk's public API. The CLI (src/cli), the studies and the browser explorer are thin layers
 * over these exports.
 */
export { makeGrid, makeDomainGrid, isUnitTorus, sphereArea, describeCell, cellAverages, cellCentres, type Grid, type DomainSpec, type BoundarySide, type BoundaryKind, type Geometry, type Spacing } from './grid/grid.js';
export { gaussHermite, velocityGrid, type Quadrature1D, type VelocityGrid } from './velocity/gaussHermite.js';
export { compileExpression, ExpressionError, type CompiledExpression } from './models/expression.js';
export * from './models/rate.js';
export { DiffusionSolver, type DiffusionOptions } from './solvers/diffusion/solver.js';
export { sideLaws, tailMass, principleBounds, type SideLaw } from './solvers/diffusion/boundary.js';
export { barenblatt, heatKernel, logSphere, kingRosenau, gamma, type Barenblatt, type RadialSolution } from './diagnostics/exact.js';
export { frontPositions } from './diagnostics/fronts.js';
export { domainSpec } from './config/domain.js';
export { KineticSolver, type KineticOptions } from './solvers/kinetic/solver.js';
export { ParticleSolver, chooseParticleScheme, particleDefaultDt, type ParticleSolverOptions, type ParticleScheme } from './solvers/particles/solver.js';
export { NumericalFailure, isAdaptive, type TimeStepper, type AdaptiveStepper, type Tolerances, type StepperState } from './solvers/stepper.js';
export { milneConstant, predictorCoefficients, weightedDistance } from './solvers/errorEstimate.js';
export { FixedClock, AdaptiveClock } from './simulation/clock.js';
export { StepController, type ControllerState, type StepControlOptions } from './simulation/stepControl.js';
export { Simulation, type SimulationCallbacks, type SimulationOptions, type SimulationState, type SteppingReport, type StepInfo } from './simulation/simulation.js';
export { simulationOptions, BOUNDS_TOLERANCE } from './simulation/options.js';
export { type Problem, type EquationBuilder } from './simulation/problem.js';
export { buildProblem } from './simulation/build.js';
export { SpeciesRates, describedRate, type SpeciesRate, type LimitFlux, type RateProblem } from './solvers/species/rates.js';
export { SpeciesKineticSolver, type SpeciesKineticOptions } from './solvers/species/kinetic.js';
export { SpeciesLimitSolver, type SpeciesLimitOptions } from './solvers/species/limit.js';
export { SpeciesParticleSolver, type SpeciesParticleOptions } from './solvers/species/particles.js';
export { speciesRates, speciesDensities } from './solvers/species/builder.js';
export { EQUATIONS } from './simulation/equations.js';
export { densityDiagnostics, type DensityDiagnostics } from './diagnostics/density.js';
export { kineticDiagnostics, moments, type KineticDiagnostics } from './diagnostics/kinetic.js';
export { compareRuns, restrictToGrid, type Comparison } from './diagnostics/compare.js';
export { ConfigSchema, type Config, type ConfigInput } from './config/schema.js';
export { validateConfig, parseConfigText, ConfigError, type ConfigIssue } from './config/validate.js';
export { runConfig, runProblem, resumeRun, prepareRun, type RunOptions, type RunResult } from './run.js';
export { acquireRunLock, RunLock, RunLockedError, EXIT_LOCKED, LOCK_FILE, type LockOwner, type LockOptions } from './io/lock.js';
export { RunIoError, OutputDirError } from './io/files.js';
export { ResumeRefused } from './io/runSession.js';
export { CheckpointError } from './io/checkpoint.js';
export { readRun, RunReadError, type RunRecord } from './io/readRun.js';
export { readFieldsHdf5, Hdf5ReadError } from './io/hdf5.js';
export { erfcx, erfc, faddeeva, dawson } from './spectrum/faddeeva.js';
export { continuousSpectrum, discreteSpectrum, thresholdWavenumber, inverseErfcx, type LinearParams, type ContinuousSpectrum, type DiscreteSpectrum } from './spectrum/linear.js';
export { complexEigenvalues, type ComplexMatrix, type Eigenvalue } from './spectrum/eig.js';
export { theoremDiagnostics, momentResiduals, momentFields, defaultDelta, type TheoremDiagnostics, type MomentResiduals } from './diagnostics/theorems.js';
export { GridFourier, ComplexFFT, type HelmholtzSymbol } from './grid/fourier.js';
export { fitExponentialRate, fitPowerLaw, linearFit, type ExpRateFit, type PowerLawFit } from './fitting/rates.js';
export { renderSvg, svgToPng, writeFigure, type VlSpec } from './plot/render.js';
export { STUDIES } from './studies/index.js';
// Sweeps (docs/sweeps.md): spec → plan → run-point → run directories → results table, on the local
// machine, BullMQ workers or SLURM arrays.
export { parseSweepSpec, expandSpec, expandValues, SweepSpecError, type SweepSpec, type RawPoint } from './sweeps/spec.js';
export { planSweep, planConfigs, writePlan, DEFAULT_MAX_POINTS, type Plan, type PlannedPoint } from './sweeps/plan.js';
export { runId, resultKeys, RESULT_SCHEMA } from './sweeps/ids.js';
export { readSweep, findPoint, SweepDirError, type Sweep, type SweepMeta, type ManifestPoint } from './sweeps/manifest.js';
export { runPoint, outcomeOf, type PointOptions, type PointResult } from './sweeps/point.js';
export { spawnExecutor, inProcessExecutor, type Executor } from './sweeps/executors.js';
export { pointStatus, type PointState, type PointStatus, type Attempt, type Outcome } from './sweeps/state.js';
export { runLocal, type LocalMode, type LocalOptions, type LocalSummary } from './sweeps/backends/local.js';
export { collectResults, writeResults, type ResultsTable, type ResultColumn } from './sweeps/collect.js';
export { sweepStatus, type SweepStatus } from './sweeps/status.js';
export { writeSlurmSubmission, submitSlurm, slurmLimits, pointsToSubmit, chunks as slurmChunks, type SlurmOptions, type SlurmSubmission } from './sweeps/backends/slurm.js';
export { enqueueSweep, startWorker, queueCounts, checkRedis, redisOptions, type EnqueueOptions, type WorkerOptions } from './sweeps/backends/bullmq.js';
export { runMembers, type MemberRun } from './sweeps/members.js';
