import ndarray from 'ndarray';
import {
  InvalidArgumentError,
  Lookahead,
  NonFiniteGradientError,
  findReferenceOptimizer,
  layoutOf,
  resolveLearningRate,
  type Family,
  type Optimizer,
  type OptimizerState,
  type Param,
} from '@gcopt/core';
import { SnapshotMismatchError } from './errors.js';
import {
  describeNonFinite,
  findNonFinite,
  nonFiniteError,
  readGradients,
  type Gradients,
  type NonFiniteLocation,
} from './gradients.js';
import { readModel, type Float32Param, type ModelEntry, type ModelInput } from './model.js';
import { fastGroup, type BackendReport, type FastGroup, type GroupBackend } from './fastBackend.js';
import {
  GROUP_PARAM_KEYS,
  SETTING_KEYS,
  type Float32OptimizerOptions,
  type NonFinitePolicy,
  type ParamGroup,
} from './options.js';
import type { OptionsFor } from './optionsByName.js';
import {
  SNAPSHOT_FORMAT,
  SNAPSHOT_VERSION,
  serializeHyper,
  validateSnapshot,
  type OptimizerSnapshot,
  type ParamSnapshot,
  type SerializedHyper,
} from './snapshot.js';

/** Options of one `step`. */
export interface Float32StepOptions {
  /** Learning rate of this step: one for every group, or one per group (index = group). */
  readonly lr?: number | readonly number[];
}

/** What a step did. */
export interface StepReport {
  /** False when the step was skipped (only with `nonFinite: 'skip'`). */
  readonly applied: boolean;
  /** Completed optimizer steps after this call. */
  readonly step: number;
  /** Why the step was skipped, in words. */
  readonly skippedReason?: string;
  /** The first non-finite gradient value found, when skipped for it. */
  readonly nonFinite?: NonFiniteLocation;
}

/** A parameter as the optimizer sees it. */
export interface ParamInfo {
  readonly name: string;
  readonly shape: readonly number[];
  /** Resolved output axis. */
  readonly outAxis: number;
  readonly gc: boolean;
  readonly group: number;
}

/** Options of `loadState`: how strictly a snapshot must match this optimizer. */
export interface LoadStateOptions {
  /**
   * Accept a snapshot made with other hyper-parameters, `gc` flags or group assignment: the state
   * arrays and step counts are loaded, this optimizer keeps its own configuration. Default false.
   * Learning rates may always differ (they are a per-step setting).
   */
  readonly allowConfigChange?: boolean;
}

/** An optimizer over a model of named Float32Arrays; `step` updates the arrays in place. */
export interface Float32Optimizer {
  /** gcopt optimizer name, e.g. `Adam_GC2` or `Lookahead(SGD)`. */
  readonly name: string;
  readonly family: Family;
  readonly params: readonly ParamInfo[];
  /** Resolved hyper-parameters per group (group 0: the base options). */
  readonly groups: readonly { readonly hyper: SerializedHyper; readonly params: readonly string[] }[];
  /** Completed optimizer steps. */
  readonly stepCount: number;
  /** Steps skipped under `nonFinite: 'skip'`. */
  readonly skippedSteps: number;
  step(grads: Gradients, options?: Float32StepOptions): StepReport;
  /** A deep copy of the whole optimizer state (see OptimizerSnapshot). */
  state(): OptimizerSnapshot;
  /** Replaces the state with a snapshot's after checking it fits; on any mismatch throws and changes nothing. */
  loadState(snapshot: OptimizerSnapshot, options?: LoadStateOptions): void;
  /** What steps the groups (chosen once, at creation), and why a group runs on the core under 'auto'. */
  readonly backend: BackendReport;
}

interface Group {
  readonly index: number;
  readonly optimizer: Optimizer;
  /** Indices into the model's entries, in model order. */
  readonly members: number[];
  readonly params: Param[];
  state: OptimizerState;
  /** The group on @gcopt/core/fast, else null (the core's stepInPlace). */
  readonly fast: FastGroup | null;
}

/**
 * Creates an optimizer by reference name (`'Adam_GC2'`, `'SGD_GC'`, advanced `'SGD'` with
 * `useGc`, …) over a model of named Float32Arrays. Each parameter group gets one core optimizer,
 * made with the base options overridden by the group's; `step` updates the model's own arrays,
 * on @gcopt/core/fast's kernels where they run the group (backend 'auto', the default), else with
 * the core's in-place kernels. With a literal name, `options` is type-checked against that optimizer's
 * options (`OptionsByName`).
 */
export function createOptimizer<N extends string>(
  name: N,
  options: Float32OptimizerOptions<OptionsFor<N>>,
  model: ModelInput,
): Float32Optimizer {
  if (options === null || typeof options !== 'object')
    throw new InvalidArgumentError('options', options, 'options must be an object');
  const settings = options as Float32OptimizerOptions;
  const entries = readModel(model);
  const nonFinite: NonFinitePolicy = settings.nonFinite ?? 'throw';
  if (nonFinite !== 'throw' && nonFinite !== 'skip')
    throw new InvalidArgumentError('nonFinite', nonFinite, "nonFinite must be 'throw' or 'skip'");
  if (settings.family !== undefined && settings.family !== 'first_release' && settings.family !== 'advanced') {
    throw new InvalidArgumentError('family', settings.family, "family must be 'first_release' or 'advanced'");
  }
  const reference = findReferenceOptimizer(name, settings.family);
  const base = withoutKeys(settings as Record<string, unknown>, SETTING_KEYS);
  const groupSpecs = (settings.groups ?? []) as readonly ParamGroup[];
  if (!Array.isArray(groupSpecs))
    throw new InvalidArgumentError('groups', groupSpecs, 'groups must be an array of { params, ...options }');
  const lookahead = settings.lookahead;
  if (lookahead !== undefined && (lookahead === null || typeof lookahead !== 'object' || Array.isArray(lookahead))) {
    throw new InvalidArgumentError('lookahead', lookahead, 'lookahead must be an object { k?, alpha? }');
  }
  const assignment = assignGroups(entries, groupSpecs);
  const backend = settings.backend ?? 'auto';
  if (backend !== 'auto' && backend !== 'core' && backend !== 'fast') {
    throw new InvalidArgumentError('backend', backend, "backend must be 'auto', 'core' or 'fast'");
  }
  const backendNotes: string[] = [];

  // one core optimizer per group; the Param views over the model's arrays are built once
  const groups: Group[] = [{ spec: undefined as ParamGroup | undefined }, ...groupSpecs.map((spec) => ({ spec }))].map(
    ({ spec }, index) => {
      const overrides = spec ? withoutKeys(spec as Record<string, unknown>, GROUP_PARAM_KEYS) : {};
      // errors name the option where the user wrote it: `groups[0].momentum`, `lookahead.k`
      let optimizer = renamingErrors(
        (param) => (param in overrides ? `groups[${index - 1}].${param}` : param),
        () => reference.create({ ...base, ...overrides, onWarning: settings.onWarning }),
      );
      if (lookahead) {
        const inner = optimizer;
        optimizer = renamingErrors(
          (param) => (param === 'options' ? 'lookahead' : `lookahead.${param}`),
          () => Lookahead(inner, { ...lookahead, onWarning: settings.onWarning }),
        );
      }
      const members = entries.filter((e) => assignment[e.index] === index).map((e) => e.index);
      const params = members.map((i): Param => {
        const e = entries[i];
        const outAxis = e.outAxis ?? spec?.outAxis ?? 0;
        const gc = e.gc ?? spec?.gc ?? true;
        // a group's outAxis is checked against each member's shape, and named where it was written
        const fromGroup = (param: string) =>
          param === 'outAxis' && e.outAxis === undefined ? `groups[${index - 1}].outAxis` : param;
        const context = `parameter '${e.name}' [${e.layout.shape}]`;
        renamingErrors(fromGroup, () => layoutOf(e.layout.shape, outAxis, `parameter '${e.name}' shape`), context);
        return { value: ndarray(e.data, [...e.layout.shape]), outAxis, gc, name: e.name };
      });
      // the backend is chosen here, once; a group without parameters has nothing to run fast
      if (backend !== 'core' && params.length > 0) {
        const made = fastGroup(optimizer, params);
        if ('fast' in made) return { index, optimizer, members, params, state: made.fast.state, fast: made };
        const who = groupSpecs.length > 0 ? `group ${index}` : optimizer.name;
        if (backend === 'fast') {
          throw new InvalidArgumentError('backend', backend, `the fast path cannot run ${who}: ${made.reason}`);
        }
        backendNotes.push(`${who} runs on the core (${made.reason})`);
      }
      return { index, optimizer, members, params, state: optimizer.init(params), fast: null };
    },
  );

  const paramInfo: ParamInfo[] = entries.map((e) => {
    const g = groups[assignment[e.index]];
    const param = g.params[g.members.indexOf(e.index)];
    return {
      name: e.name,
      shape: e.layout.shape,
      outAxis: layoutOf(e.layout.shape, param.outAxis ?? 0).outAxis,
      gc: param.gc !== false,
      group: g.index,
    };
  });
  const optimizerName = groups[0].optimizer.name;
  const groupBackends = groups.map((g): GroupBackend => (g.fast ? 'fast' : 'core'));
  const used = new Set(groups.filter((g) => g.members.length > 0).map((g) => groupBackends[g.index]));
  const backendReport: BackendReport = {
    name: used.size === 2 ? 'mixed' : used.has('fast') ? 'fast' : 'core',
    groups: groupBackends,
    note: backendNotes.join('; '),
  };
  // one fast group holding every parameter checks NaN/Inf in its kernels (which change nothing when
  // they find one); with several groups one check must precede every group's step, so the host scans
  const kernelsCheckFinite = groups.length === 1 && groups[0].fast !== null;
  let count = 0;
  let skippedSteps = 0;

  function learningRates(stepOptions: Float32StepOptions): number[] {
    const override = stepOptions.lr;
    if (Array.isArray(override) && override.length !== groups.length) {
      throw new InvalidArgumentError(
        'lr',
        override,
        `one learning rate per group: ${groups.length} expected, ${override.length} given`,
      );
    }
    return groups.map((g) => {
      const lr = override === undefined ? g.optimizer.hyper.lr : Array.isArray(override) ? override[g.index] : override;
      try {
        return resolveLearningRate(lr as number, count + 1);
      } catch (e) {
        const err = e as InvalidArgumentError;
        const who =
          groups.length > 1
            ? `group ${g.index} (${g.members.map((i) => `'${entries[i].name}'`).join(', ') || 'no parameters'})`
            : optimizerName;
        throw new InvalidArgumentError('lr', err.value, err.referenceMessage ?? err.message, who);
      }
    });
  }

  function step(grads: Gradients, stepOptions: Float32StepOptions = {}): StepReport {
    // everything is checked before any group steps: a failed step changes nothing anywhere
    const flat = readGradients(grads, entries);
    if (stepOptions === null || typeof stepOptions !== 'object')
      throw new InvalidArgumentError('options', stepOptions, 'step options must be an object');
    const lrs = learningRates(stepOptions);
    if (kernelsCheckFinite) {
      const g = groups[0];
      try {
        g.state = g.fast!.step(g.params, flat, g.state, lrs[0], true);
      } catch (e) {
        if (!(e instanceof NonFiniteGradientError)) throw e;
        // nothing changed; the host finds the same value again, to report it as given (a float64 value)
        const bad = findNonFinite(flat, entries);
        if (!bad) throw e;
        return rejectNonFinite(bad);
      }
    } else {
      const bad = findNonFinite(flat, entries);
      if (bad) return rejectNonFinite(bad);
      for (const g of groups) {
        const groupGrads = g.members.map((i) => flat[i]);
        if (g.fast) g.state = g.fast.step(g.params, groupGrads, g.state, lrs[g.index], false);
        else g.optimizer.stepInPlace(g.params, groupGrads, g.state, { lr: lrs[g.index], checkFinite: false });
      }
    }
    count++;
    return { applied: true, step: count };
  }

  /** A step that found a NaN/±Inf gradient before changing anything: thrown, or skipped and reported. */
  function rejectNonFinite(bad: NonFiniteLocation): StepReport {
    if (nonFinite === 'throw') throw nonFiniteError(bad, entries);
    skippedSteps++;
    return {
      applied: false,
      step: count,
      skippedReason:
        `non-finite gradient: '${bad.param}' holds ${describeNonFinite(bad)} at flat index ${bad.index}; ` +
        'parameters and state unchanged',
      nonFinite: bad,
    };
  }

  function state(): OptimizerSnapshot {
    const params = entries.map((e): ParamSnapshot => {
      const info = paramInfo[e.index];
      const g = groups[info.group];
      const ts = g.state.tensors[g.members.indexOf(e.index)];
      return {
        name: e.name,
        shape: [...info.shape],
        outAxis: info.outAxis,
        gc: info.gc,
        group: info.group,
        step: ts.step,
        slots: Object.fromEntries(Object.entries(ts.slots).map(([k, v]) => [k, v.slice()])),
      };
    });
    const hypers = groups.map((g) => serializeHyper(g.optimizer.hyper));
    return {
      format: SNAPSHOT_FORMAT,
      version: SNAPSHOT_VERSION,
      optimizer: { name: optimizerName, family: reference.family, hyper: hypers[0] },
      groups: hypers.map((hyper) => ({ hyper })),
      count,
      skippedSteps,
      params,
    };
  }

  function loadState(snapshot: OptimizerSnapshot, loadOptions: LoadStateOptions = {}): void {
    validateSnapshot(snapshot);
    const problems: string[] = [];
    if (snapshot.optimizer.name !== optimizerName || snapshot.optimizer.family !== reference.family) {
      problems.push(
        `optimizer: the snapshot is of ${snapshot.optimizer.name} (${snapshot.optimizer.family}), ` +
          `this optimizer is ${optimizerName} (${reference.family})`,
      );
    }
    const byName = new Map(snapshot.params.map((p) => [p.name, p]));
    const missing = entries.filter((e) => !byName.has(e.name)).map((e) => `'${e.name}'`);
    const extra = snapshot.params.filter((p) => !entries.some((e) => e.name === p.name)).map((p) => `'${p.name}'`);
    if (missing.length) problems.push(`parameters missing from the snapshot: ${missing.join(', ')}`);
    if (extra.length) problems.push(`parameters in the snapshot that this model lacks: ${extra.join(', ')}`);
    const checkConfig = !loadOptions.allowConfigChange;
    if (checkConfig) {
      if (snapshot.groups.length !== groups.length) {
        problems.push(
          `groups: the snapshot has ${snapshot.groups.length}, this optimizer ${groups.length} ` +
            '(allowConfigChange to load anyway)',
        );
      } else {
        groups.forEach((g) =>
          problems.push(...compareHyper(snapshot.groups[g.index].hyper, serializeHyper(g.optimizer.hyper), g.index)),
        );
      }
    }
    for (const e of entries) {
      const p = byName.get(e.name);
      if (!p) continue;
      const info = paramInfo[e.index];
      const g = groups[info.group];
      const ours = g.state.tensors[g.members.indexOf(e.index)];
      const label = `parameter '${e.name}'`;
      if (p.shape.length !== info.shape.length || p.shape.some((d, i) => d !== info.shape[i])) {
        problems.push(`${label}: shape [${p.shape}] in the snapshot, [${info.shape}] in the model`);
        continue;
      }
      if (p.outAxis !== info.outAxis)
        problems.push(`${label}: outAxis ${p.outAxis} in the snapshot, ${info.outAxis} here`);
      if (checkConfig && p.gc !== info.gc)
        problems.push(`${label}: gc ${p.gc} in the snapshot, ${info.gc} here (allowConfigChange to load anyway)`);
      if (checkConfig && p.group !== info.group)
        problems.push(
          `${label}: group ${p.group} in the snapshot, ${info.group} here (allowConfigChange to load anyway)`,
        );
      const want = Object.keys(ours.slots).sort();
      const have = Object.keys(p.slots).sort();
      if (want.join() !== have.join()) {
        problems.push(`${label}: state arrays [${have}] in the snapshot, ${optimizerName} keeps [${want}]`);
        continue;
      }
      for (const slot of want) {
        if (!(p.slots[slot] instanceof Float32Array))
          problems.push(`${label}: state ${slot} is float64 in the snapshot, this model is float32`);
      }
    }
    if (problems.length) throw new SnapshotMismatchError(problems);

    // all checks passed: build the new states, then swap them in
    const next = groups.map(
      (g): OptimizerState => ({
        optimizer: g.optimizer.name,
        count: snapshot.count,
        tensors: g.members.map((i, j) => {
          const p = byName.get(entries[i].name)!;
          const ours = g.state.tensors[j];
          return {
            shape: ours.shape,
            outAxis: ours.outAxis,
            step: p.step,
            slots: Object.fromEntries(Object.keys(ours.slots).map((k) => [k, p.slots[k].slice()])),
          };
        }),
      }),
    );
    groups.forEach((g, i) => (g.state = next[i]));
    count = snapshot.count;
    skippedSteps = snapshot.skippedSteps ?? 0;
  }

  return {
    name: optimizerName,
    family: reference.family,
    params: paramInfo,
    groups: groups.map((g) => ({
      hyper: serializeHyper(g.optimizer.hyper),
      params: g.members.map((i) => entries[i].name),
    })),
    get stepCount() {
      return count;
    },
    get skippedSteps() {
      return skippedSteps;
    },
    step,
    state,
    loadState,
    backend: backendReport,
  };
}

/** Group index of every parameter (0: no group matched). A parameter in two groups is an error. */
function assignGroups(entries: readonly ModelEntry[], specs: readonly ParamGroup[]): number[] {
  const names = new Set(entries.map((e) => e.name));
  const assignment = entries.map(() => 0);
  specs.forEach((spec, k) => {
    const index = k + 1;
    const where = `groups[${k}]`;
    if (!spec || typeof spec !== 'object')
      throw new InvalidArgumentError(where, spec, 'a group is { params, ...options }');
    if (spec.gc !== undefined && typeof spec.gc !== 'boolean') {
      throw new InvalidArgumentError(`${where}.gc`, spec.gc, 'gc must be true or false');
    }
    if (spec.outAxis !== undefined && !Number.isInteger(spec.outAxis)) {
      throw new InvalidArgumentError(`${where}.outAxis`, spec.outAxis, 'outAxis must be an integer');
    }
    const sel = spec.params;
    let matches: (p: Float32Param) => boolean;
    if (Array.isArray(sel)) {
      for (const n of sel) {
        if (!names.has(n))
          throw new InvalidArgumentError(`${where}.params`, n, `the model has no parameter named '${n}'`);
      }
      matches = (p) => sel.includes(p.name);
    } else if (sel instanceof RegExp) {
      matches = (p) => {
        sel.lastIndex = 0; // a /g or /y pattern keeps state between tests
        return sel.test(p.name);
      };
    } else if (typeof sel === 'function') {
      matches = sel as (p: Float32Param) => boolean;
    } else {
      throw new InvalidArgumentError(`${where}.params`, sel, 'params must be a list of names, a RegExp or a predicate');
    }
    for (const e of entries) {
      if (!matches({ name: e.name, shape: e.layout.shape, data: e.data, outAxis: e.outAxis, gc: e.gc })) continue;
      if (assignment[e.index] !== 0) {
        throw new InvalidArgumentError(
          `${where}.params`,
          e.name,
          `parameter '${e.name}' is already in groups[${assignment[e.index] - 1}]; a parameter belongs to one group`,
        );
      }
      assignment[e.index] = index;
    }
  });
  return assignment;
}

function compareHyper(theirs: SerializedHyper, ours: SerializedHyper, group: number): string[] {
  const problems: string[] = [];
  const keys = new Set([...Object.keys(theirs), ...Object.keys(ours)]);
  for (const key of keys) {
    if (key === 'lr') continue; // a per-step setting: resuming with another learning rate is allowed
    if (JSON.stringify(theirs[key]) !== JSON.stringify(ours[key])) {
      problems.push(
        `group ${group}: ${key} = ${JSON.stringify(theirs[key])} in the snapshot, ` +
          `${JSON.stringify(ours[key])} here (allowConfigChange to load anyway)`,
      );
    }
  }
  return problems;
}

/**
 * Runs `make`, re-throwing its InvalidArgumentError with the option renamed by `rename` (and, when
 * renamed, `context` saying where it applied).
 */
function renamingErrors<T>(rename: (param: string) => string, make: () => T, context?: string): T {
  try {
    return make();
  } catch (e) {
    if (e instanceof InvalidArgumentError) {
      const param = rename(e.param);
      throw param === e.param ? e : e.withParam(param, context ?? e.context);
    }
    throw e;
  }
}

function withoutKeys(o: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));
}
