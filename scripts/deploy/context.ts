import type { WranglerResult, WranglerRun } from "./wrangler";

/**
 * How each step talks to wrangler and reports itself. In a dry run nothing networked runs:
 * every step is printed with the wrangler commands it would use.
 */
export type DeployContext = {
  dryRun: boolean;
  /** A read-only query; its stdout, or an error naming the command. */
  query(args: string[]): Promise<string>;
  /** A read-only probe: the exit code only (e.g. "does this queue exist"). */
  probe(args: string[]): Promise<number>;
  /** A change to the account, announced first; `input` goes to stdin. */
  change(description: string, args: string[], input?: string): Promise<WranglerResult>;
  /** Announces what a dry run would do. */
  step(description: string, ...commands: string[][]): void;
  skip(description: string): void;
  log(line: string): void;
};

function failure(args: string[], result: WranglerResult): Error {
  const tail = `${result.stderr}\n${result.stdout}`.trim().split("\n").slice(-15).join("\n");
  return new Error(`wrangler ${args.join(" ")} failed (exit ${result.code}):\n${tail}`);
}

export function deployContext(run: WranglerRun, dryRun: boolean, log: (line: string) => void): DeployContext {
  return {
    dryRun,
    async query(args) {
      const result = await run(args);
      if (result.code !== 0) throw failure(args, result);
      return result.stdout;
    },
    async probe(args) {
      return (await run(args)).code;
    },
    async change(description, args, input) {
      log(`→ ${description}`);
      const result = await run(args, { input });
      if (result.code !== 0) throw failure(args, result);
      return result;
    },
    step(description, ...commands) {
      log(`→ ${description}`);
      for (const command of commands) log(`    wrangler ${command.join(" ")}`);
    },
    skip: (description) => log(`✓ ${description}`),
    log,
  };
}
