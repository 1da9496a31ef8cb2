/**
 * nlbgk's public API. The CLI (src/cli), the studies and the browser explorer are thin layers
 * over these exports.
 */
export { makeGrid, cellAverages, cellCentres, type Grid } from './grid/grid.js';
export { gaussHermite, velocityGrid, type Quadrature1D, type VelocityGrid } from './velocity/gaussHermite.js';
export { compileExpression, ExpressionError, type CompiledExpression } from './models/expression.js';
export * from './models/rate.js';
export { DiffusionSolver, type DiffusionOptions } from './solvers/diffusion.js';
export { KineticSolver, type KineticOptions } from './solvers/kinetic.js';
export { ParticleSolver, chooseParticleScheme, particleDefaultDt, type ParticleSolverOptions, type ParticleScheme } from './solvers/particles.js';
export { NumericalFailure, type TimeStepper, type StepperState } from './solvers/stepper.js';
export { Clock } from './simulation/clock.js';
export { Simulation, type SimulationCallbacks, type SimulationOptions } from './simulation/simulation.js';
export { buildProblem, type Problem } from './simulation/problem.js';
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
