import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { CONTROLLER_NODE_FLAGS } from '../controllers/node-flags.ts';
import { RLS_NODE_FLAGS } from '../ratelimit/node-flags.ts';

const root = join(import.meta.dirname, '..');

describe('controller V8 flags', () => {
  it('npm start uses them', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toBe(`node ${CONTROLLER_NODE_FLAGS.join(' ')} dev/start.ts`);
  });

  it('the controllers Deployment uses them', () => {
    const deployment = parseAllDocuments(readFileSync(join(root, 'deploy', 'controllers.yaml'), 'utf8'))[0]?.toJS() as {
      spec: { template: { spec: { containers: { args: string[] }[] } } };
    };
    const args = deployment.spec.template.spec.containers[0]?.args ?? [];
    expect(args.slice(0, CONTROLLER_NODE_FLAGS.length)).toEqual([...CONTROLLER_NODE_FLAGS]);
    expect(args[CONTROLLER_NODE_FLAGS.length]).toBe('controllers/main.ts');
  });
});

describe('rate-limit service V8 flags', () => {
  it('the rate-limit Deployment uses them', () => {
    const docs = parseAllDocuments(readFileSync(join(root, 'deploy', 'ratelimit.yaml'), 'utf8')).map((d) => d.toJS() as { kind?: string; spec?: { template?: { spec: { containers: { args: string[] }[] } } } });
    const args = docs.find((d) => d.kind === 'Deployment')?.spec?.template?.spec.containers[0]?.args ?? [];
    expect(args.slice(0, RLS_NODE_FLAGS.length)).toEqual([...RLS_NODE_FLAGS]);
    expect(args[RLS_NODE_FLAGS.length]).toBe('ratelimit/main.ts');
  });
});
