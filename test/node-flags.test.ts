import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { CONTROLLER_NODE_FLAGS } from '../controllers/node-flags.ts';

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
