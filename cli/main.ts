import { parseArgs } from 'node:util';
import { runPlan } from './plan-command.ts';
import { runRender } from './render-command.ts';
import { runValidate } from './validate-command.ts';

const USAGE = `switchyard — render, plan and validate Switchyard resources offline

Usage:
  switchyard render   -f <file-or-dir>... [-n <namespace>]
  switchyard plan     -f <file-or-dir>... --live <file-or-dir>... [-n <namespace>] [-o text|yaml]
  switchyard validate -f <file-or-dir>... [-n <namespace>]

  render    print the Istio/Kubernetes objects the resources produce (multi-document YAML);
            IstioFilters are layered onto their Routers, results are reported on stderr
  plan      print the make-before-break steps that take the live VirtualServices and
            DestinationRules (--live) to the desired state (-f)
  validate  check resources; every problem with file#document, field, rule and value

Options:
  -f, --filename   files or directories (*.yaml, *.yml, *.json; directories recursively)
      --live       live Istio objects for plan (e.g. kubectl get vs,dr -o yaml)
  -n, --namespace  namespace for resources that do not name one (default: default)
  -o, --output     plan output: text (default) or yaml (the objects of each step)
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
        namespace: { type: 'string', short: 'n', default: 'default' },
        output: { type: 'string', short: 'o', default: 'text' },
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
  if (files.length === 0) {
    console.error(`switchyard ${command}: -f/--filename is required`);
    return 2;
  }
  const now = new Date();
  switch (command) {
    case 'render':
      return runRender(files, values.namespace, now);
    case 'validate':
      return runValidate(files, values.namespace, now);
    case 'plan':
      if (!values.live?.length) {
        console.error('switchyard plan: --live is required (the live VirtualServices/DestinationRules)');
        return 2;
      }
      if (values.output !== 'text' && values.output !== 'yaml') {
        console.error(`switchyard plan: --output must be text or yaml (got ${values.output})`);
        return 2;
      }
      return runPlan(files, values.live, values.namespace, values.output, now);
    default:
      console.error(`switchyard: unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
      return 2;
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  // A bug, not bad input: say so plainly; the stack only on request.
  console.error(`switchyard: internal error: ${(err as Error).message}`);
  if (process.env.SWITCHYARD_DEBUG) console.error((err as Error).stack);
  process.exitCode = 3;
}
