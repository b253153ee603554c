import type { GoldenFile, GoldenInputs } from '@gcopt/core';
import type { NamedTensor, RunResult } from '@gcopt/demo/browser';
import type { EngineId } from '../engines/webEngine.js';
import type { PlanProgress } from '../training/runPlan.js';
import type { BackendReport } from './backends.js';
import type { GoldenDeviceReport } from './goldenDevice.js';

/** Page → Worker. */
export type Request =
  | { type: 'probe' }
  | {
      type: 'train';
      engine: EngineId;
      optimizers: readonly string[];
      epochs: number;
      trainSize: number;
      testSize: number;
      batchSize: number;
      seed: number;
    }
  | {
      type: 'steps';
      engine: EngineId;
      optimizer: string;
      seed: number;
      steps: number;
      batchSize: number;
      threads?: number;
    }
  | { type: 'golden'; files: readonly { name: string; golden: GoldenFile }[]; inputs: GoldenInputs; mode?: string }
  | { type: 'fastThreads'; threads: number };

/** Worker → page: one answer per request (`id` echoes it), progress in between. */
export type Reply =
  | { type: 'backends'; report: BackendReport }
  | { type: 'progress'; progress: PlanProgress; engine: string }
  | { type: 'trained'; runs: readonly RunResult[]; engine: string; seconds: number }
  | { type: 'steps'; losses: number[]; weights: NamedTensor[]; engine: string }
  | { type: 'golden'; report: GoldenDeviceReport }
  | { type: 'fastThreads'; threads: number; backend: string; note: string; equalsOneThread: boolean }
  | { type: 'error'; message: string };
