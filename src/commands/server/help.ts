// The HELP reply shape Redis uses for container commands: a header line, the caller's lines,
// and a closing HELP entry, each sent as a status reply. Texts are nodis's own.

import type { Ctx } from '../../exec/context.js';

export function replyHelp(ctx: Ctx, container: string, lines: readonly string[]): void {
  const all = [
    `${container} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`,
    ...lines,
    'HELP',
    '    Prints this help.',
  ];
  ctx.reply.array(all.length);
  for (const l of all) ctx.reply.simple(l);
}
