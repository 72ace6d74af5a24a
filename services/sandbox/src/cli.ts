import { ConfigError } from "@sandmail/core";
import { SandmailError as ClientError } from "@sandmail/sdk";
import { UsageError } from "./commands/client-options.js";
import { extractCommand, extractHelp } from "./commands/extract.js";
import { messagesCommand, messagesHelp } from "./commands/messages.js";
import { runCommand, runHelp } from "./commands/run.js";
import { serve, serveHelp } from "./commands/serve.js";
import { waitCommand, waitHelp } from "./commands/wait.js";

const help = `Usage: sandmail <command> [options]

Server:
  serve        run the sandbox (SMTP + IMAP + API)

Client (for CI steps; --url or SANDMAIL_URL names the server):
  run          create, inspect or delete a run:  eval "$(sandmail run create --env)"
  wait         wait for a message matching criteria; exit 1 on timeout
  messages     list the run's messages, or show one in full
  extract      print a message's one-time code or a link

Run 'sandmail <command> --help' for a command's options.`;

const commands: Record<string, { run: (argv: string[]) => Promise<number>; help: string }> = {
  serve: { run: serve, help: serveHelp },
  run: { run: runCommand, help: runHelp },
  wait: { run: waitCommand, help: waitHelp },
  messages: { run: messagesCommand, help: messagesHelp },
  extract: { run: extractCommand, help: extractHelp },
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
  if (err instanceof ConfigError || err instanceof UsageError) {
    console.error(`sandmail: ${err.message}`);
    process.exitCode = 2;
  } else if (err instanceof Error && "code" in err && String(err.code).startsWith("ERR_PARSE_ARGS")) {
    console.error(`sandmail: ${err.message}\nRun 'sandmail --help'.`);
    process.exitCode = 2;
  } else if (err instanceof ClientError) {
    // Server answers (401, 404, ...) and unreachable servers: one readable line, no stack.
    console.error(`sandmail: ${err.message}`);
    process.exitCode = 3;
  } else {
    console.error("sandmail: failed:", err);
    process.exitCode = 1;
  }
}
