import { dashboardCommand } from '../dashboard/dashboard-command.ts';
import type { PluginCommand } from './command.ts';
import { analyzeCommand } from './analyze-command.ts';
import { explainCommand } from './explain-command.ts';
import { getCommand } from './get-command.ts';
import { planCommand } from './plan-command.ts';
import { progressionCommands } from './progression-commands.ts';

/** Every `kubectl switchyard` command, in the order the help lists them. */
export const COMMANDS: readonly PluginCommand[] = [getCommand, ...progressionCommands, planCommand, dashboardCommand, explainCommand, analyzeCommand];
