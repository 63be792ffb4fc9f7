import type { PluginCommand } from './command.ts';

/** Every `kubectl switchyard` command, in the order the help lists them. */
export const COMMANDS: readonly PluginCommand[] = [];
