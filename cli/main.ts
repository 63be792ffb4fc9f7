import { parseArgs } from 'node:util';
import { DEFAULT_NAMESPACE, DNS_LABEL, MAX_NAMESPACE_LENGTH } from '../api/meta.ts';
import { quote } from './input-problem.ts';
import { runPlan } from './plan-command.ts';
import { runExplain } from './explain-command.ts';
import { runRender } from './render-command.ts';
import { runValidate } from './validate-command.ts';

const USAGE = `switchyard — render, plan and validate Switchyard resources offline

Usage:
  switchyard render   -f <file-or-dir>... [-n <namespace>] [--explain [-o text|json|yaml]]
  switchyard plan     -f <file-or-dir>... --live <file-or-dir>... [-n <namespace>] [-o text|yaml]
  switchyard validate -f <file-or-dir>... [-n <namespace>]

  render    print the Istio/Kubernetes objects the resources produce (multi-document YAML);
            IstioFilters are layered onto their Routers, results are reported on stderr;
            --explain prints each Router's final VirtualService and DestinationRule with
            the origin of every field (the Router, or which IstioFilter patch, and what it
            overwrote) instead
  plan      print the make-before-break steps that take the live VirtualServices and
            DestinationRules (--live) to the desired state (-f)
  validate  check resources; every problem with file#document, field, rule and value

Options:
  -f, --filename   files or directories (*.yaml, *.yml, *.json; directories recursively)
      --live       live objects for plan: VirtualServices, DestinationRules and Services
                   (e.g. kubectl get vs,dr,svc -o yaml; a kind: List is read item by item)
  -n, --namespace  namespace for resources that do not name one (default: ${DEFAULT_NAMESPACE})
  -o, --output     plan output: text (default) or yaml (the objects of each step);
                   render --explain output: text (default), json or yaml
      --explain    render: field provenance instead of plain YAML
  -h, --help       this help

Exit codes: 0 success, 1 invalid input or render error, 2 usage error.`;

/** Parses argv and runs a command; returns the process exit code. Never throws for bad input. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '-h' || command === '--help' || command === 'help') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  let values;
  try {
    ({ values } = parseArgs({
      args: rest,
      options: {
        filename: { type: 'string', short: 'f', multiple: true },
        live: { type: 'string', multiple: true },
        namespace: { type: 'string', short: 'n', default: DEFAULT_NAMESPACE },
        output: { type: 'string', short: 'o', default: 'text' },
        explain: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: false,
    }));
  } catch (err) {
    console.error(`switchyard ${command}: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const files = values.filename ?? [];
  const usage = usageProblem(command, { ...values, files });
  if (usage !== undefined) {
    console.error(`switchyard ${command}: ${usage}`);
    return 2;
  }
  const now = new Date();
  switch (command) {
    case 'render':
      return values.explain ? runExplain(files, values.namespace, values.output, now) : runRender(files, values.namespace, now);
    case 'validate':
      return runValidate(files, values.namespace, now);
    case 'plan':
      return runPlan(files, values.live ?? [], values.namespace, values.output, now);
    default:
      console.error(`switchyard: unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
      return 2;
  }
}

/** What makes a command line unusable (exit 2), checked before any file is read. */
function usageProblem(command: string, values: { files: string[]; namespace: string; live?: string[]; output: string; explain?: boolean }): string | undefined {
  if (values.files.length === 0) return '-f/--filename is required';
  const badNamespace = namespaceProblem(values.namespace);
  if (badNamespace !== undefined) return badNamespace;
  if (values.explain && command !== 'render') return `--explain is a render option (got it with ${command})`;
  if (command === 'render' && values.explain && !['text', 'json', 'yaml'].includes(values.output)) return `--output must be text, json or yaml with --explain (got ${values.output})`;
  if (command !== 'plan') return undefined;
  if (!values.live?.length) return '--live is required (the live VirtualServices, DestinationRules and Services)';
  if (values.output !== 'text' && values.output !== 'yaml') return `--output must be text or yaml (got ${values.output})`;
  return undefined;
}

/** Why `-n` cannot name a namespace (an RFC 1123 label of at most 63 characters), if it cannot. */
function namespaceProblem(namespace: string): string | undefined {
  if (namespace.length <= MAX_NAMESPACE_LENGTH && DNS_LABEL.test(namespace)) return undefined;
  return `-n/--namespace must be a lowercase RFC 1123 label of at most ${MAX_NAMESPACE_LENGTH} characters (got ${quote(namespace)})`;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  // A bug, not bad input: say so plainly; the stack only on request.
  console.error(`switchyard: internal error: ${(err as Error).message}`);
  if (process.env.SWITCHYARD_DEBUG) console.error((err as Error).stack);
  process.exitCode = 3;
}
