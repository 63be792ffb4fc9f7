import { describe, expect, it } from 'vitest';
import { complete, DIRECTIVE, type CompletionSource } from './complete.ts';
import { COMMANDS } from './commands.ts';
import type { ConnectionFlags } from './context.ts';

/** A cluster of two namespaces; records the connection flags each lookup was asked with. */
function fakeSource(): CompletionSource & { asked: ConnectionFlags[] } {
  const asked: ConnectionFlags[] = [];
  const routers: Record<string, string[]> = { default: ['web'], shop: ['checkout', 'reviews'] };
  return {
    asked,
    routers: async (flags) => (asked.push(flags), routers[flags.namespace ?? 'default'] ?? []),
    namespaces: async (flags) => (asked.push(flags), Object.keys(routers)),
    contexts: () => ['kind-a', 'prod'],
  };
}

const words = async (...typed: string[]): Promise<string[]> => (await complete(typed, COMMANDS, fakeSource())).words;

describe('kubectl switchyard completion', () => {
  it('completes command names, then what each command names', async () => {
    expect(await words('')).toEqual([...COMMANDS.map((c) => c.name), 'help']);
    expect(await words('p')).toEqual(['promote', 'pause', 'plan']);
    expect(await words('get', '')).toEqual(['routers', 'router', 'rt']);
    expect(await words('get', 'router', '')).toEqual(['web']);
    expect(await words('get', 'routers', '')).toEqual([]);
    expect(await words('analyze', '')).toEqual([]);
    expect(await words('promote', 'web', '')).toEqual([]);
  });

  it('looks Routers up in the namespace and cluster the typed flags name, in any order and spelling', async () => {
    const source = fakeSource();
    expect((await complete(['abort', '-n', 'shop', 'r'], COMMANDS, source)).words).toEqual(['reviews']);
    expect((await complete(['explain', '--namespace=shop', '--context', 'prod', '--kubeconfig', 'k.yaml', ''], COMMANDS, source)).words).toEqual(['checkout', 'reviews']);
    expect(source.asked).toEqual([
      { namespace: 'shop', context: undefined, kubeconfig: undefined },
      { namespace: 'shop', context: 'prod', kubeconfig: 'k.yaml' },
    ]);
  });

  it("completes flag names and flag values, and leaves --kubeconfig's value to the shell's file completion", async () => {
    expect(await words('plan', '--o')).toEqual(['--output']);
    expect(await words('plan', 'web', '-o', '')).toEqual(['text', 'yaml']);
    expect(await words('analyze', '--fail-on', 'w')).toEqual(['warning']);
    expect(await words('get', '-n', '')).toEqual(['default', 'shop']);
    expect(await words('get', '--context', 'p')).toEqual(['prod']);
    expect(await complete(['get', '--kubeconfig', ''], COMMANDS, fakeSource())).toEqual({ words: [], directive: DIRECTIVE.default });
    expect((await words('promote', '--')).sort()).toEqual(['--all-namespaces', '--context', '--help', '--kubeconfig', '--namespace', '--no-wait', '--timeout']);
  });

  it('completes nothing, quietly, when the cluster cannot be asked or the command is unknown', async () => {
    const failing: CompletionSource = { ...fakeSource(), routers: () => Promise.reject(new Error('connection refused')) };
    expect(await complete(['promote', ''], COMMANDS, failing)).toEqual({ words: [], directive: DIRECTIVE.noFileComp });
    expect(await words('frobnicate', '')).toEqual([]);
  });
});
