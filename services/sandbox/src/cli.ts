import { ConfigError } from "@sandmail/core";
import { serve, serveHelp } from "./commands/serve.js";

const help = `Usage: sandmail <command> [options]

Commands:
  serve        run the sandbox (SMTP + IMAP + API; see 'sandmail serve --help')

Run 'sandmail <command> --help' for a command's options.`;

const commands: Record<string, { run: (argv: string[]) => Promise<number>; help: string }> = {
  serve: { run: serve, help: serveHelp },
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "-h" || name === "--help" || name === "help") {
    console.log(help);
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    console.error(`sandmail: unknown command '${name}'\n\n${help}`);
    return 2;
  }
  return command.run(rest);
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(`sandmail: ${err.message}`);
    process.exitCode = 2;
  } else if (err instanceof Error && "code" in err && String(err.code).startsWith("ERR_PARSE_ARGS")) {
    console.error(`sandmail: ${err.message}\nRun 'sandmail --help'.`);
    process.exitCode = 2;
  } else {
    console.error("sandmail: failed to start:", err);
    process.exitCode = 1;
  }
}
