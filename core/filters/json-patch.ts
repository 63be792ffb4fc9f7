import jsonpatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import type { FilterPatch } from '../../api/istio-filter.ts';
import type { LayerState, PatchOutcome } from './filter-result.ts';

type JsonPatch = NonNullable<FilterPatch['jsonPatch']>;
type JsonPatchOp = JsonPatch['ops'][number];

/** Example paths for the hint in failure reasons, one per target kind. */
const PATH_EXAMPLE: Record<JsonPatch['target'], string> = {
  VirtualService: '/http/0/timeout',
  DestinationRule: '/trafficPolicy/connectionPool',
};

function pathHint(target: JsonPatch['target']): string {
  return `jsonPatch paths are relative to the ${target} spec, e.g. ${PATH_EXAMPLE[target]}`;
}

function valueAt(doc: unknown, path: string): string {
  try {
    const value: unknown = jsonpatch.getValueByPointer(doc, path);
    return value === undefined ? 'absent' : JSON.stringify(value);
  } catch {
    return 'absent';
  }
}

function describeFailure(error: unknown, index: number, op: JsonPatchOp, doc: unknown, target: JsonPatch['target']): string {
  const head = `jsonPatch op ${index} (${op.op} ${op.path}) on the ${target} failed`;
  const name = error instanceof jsonpatch.JsonPatchError ? error.name : undefined;
  let why: string;
  if (name === 'TEST_OPERATION_FAILED') {
    why = `value at ${op.path} is ${valueAt(doc, op.path)}, test expects ${JSON.stringify(op.value)}`;
  } else if (name === 'OPERATION_PATH_UNRESOLVABLE' || name === 'OPERATION_PATH_CANNOT_ADD') {
    why = `path ${op.op === 'move' || op.op === 'copy' ? `${op.from} or ${op.path}` : op.path} does not exist`;
  } else if (name === 'OPERATION_FROM_UNRESOLVABLE') {
    why = `from ${op.from} does not exist`;
  } else {
    // The library's first line is specific enough for the rarer errors (bad pointer, missing value).
    why = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? 'unknown error';
  }
  return `${head}: ${why} (${pathHint(target)})`;
}

/**
 * Applies RFC 6902 operations, in order, to a deep copy of the target object's **spec**: paths are
 * relative to `spec` (e.g. `/http/0/timeout` on a VirtualService, `/subsets/-` on a
 * DestinationRule). Validation is on, so a failed `test` or a missing path fails the whole patch;
 * metadata, apiVersion and kind are out of reach by design.
 */
export function applyJsonPatch(state: LayerState, patch: JsonPatch): PatchOutcome {
  const object = patch.target === 'VirtualService' ? state.virtualService : state.destinationRule;
  let doc: unknown = structuredClone(object.spec);
  for (const [index, op] of patch.ops.entries()) {
    try {
      // The op is cloned so the result never shares a value object with the filter's spec.
      doc = jsonpatch.applyOperation(doc, structuredClone(op) as Operation, true, true, true, index).newDocument;
    } catch (error) {
      return { ok: false, reason: describeFailure(error, index, op, doc, patch.target) };
    }
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    return { ok: false, reason: `jsonPatch left the ${patch.target} spec as ${JSON.stringify(doc)}; it must stay an object (${pathHint(patch.target)})` };
  }
  if (patch.target === 'VirtualService') {
    return { ok: true, state: { ...state, virtualService: { ...state.virtualService, spec: doc as LayerState['virtualService']['spec'] } } };
  }
  return { ok: true, state: { ...state, destinationRule: { ...state.destinationRule, spec: doc as LayerState['destinationRule']['spec'] } } };
}
