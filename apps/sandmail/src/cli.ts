import manifest from "../package.json" with { type: "json" };

const help = `Usage: sandmail <command> [options]

Server:
  serve        run the sandbox (SMTP + IMAP + POP3 + API)

Client (for CI steps; --url, SANDMAIL_URL or SANDMAIL_API_PORT names the server):
  run          create, inspect or delete a run:  eval "$(sandmail run create --env)"
  wait         wait for a message matching criteria; exit 1 on timeout
  messages     list the run's messages, or show one in full
  extract      print a message's one-time code or a link
  check        HTML client compatibility, link health or spam score of a message; exit 1 on problems
  faults       set, show or clear SMTP faults for the run's mail (421/451/..., delays, disconnects, greylisting)
  sessions     the run's SMTP, IMAP and POP3 sessions, or one session's transcript
  webhooks     create, list or delete the run's webhooks, or show a webhook's deliveries

Agents:
  mcp          a Model Context Protocol server on stdio (create runs, wait, read codes and links, assert)

Run 'sandmail <command> --help' for a command's options; 'sandmail --version' prints the version.`;

type Command = (argv: string[]) => Promise<number>;

// Loaded on demand: a client command in a CI step should not pay for loading the servers.
const commands: Record<string, () => Promise<Command>> = {
  serve: async () => {
    (await import("./young-generation.js")).holdYoungGeneration();
    return (await import("./commands/serve.js")).serve;
  },
  run: async () => (await import("./commands/run.js")).runCommand,
  wait: async () => (await import("./commands/wait.js")).waitCommand,
  messages: async () => (await import("./commands/messages.js")).messagesCommand,
  extract: async () => (await import("./commands/extract.js")).extractCommand,
  check: async () => (await import("./commands/check.js")).checkCommand,
  faults: async () => (await import("./commands/faults.js")).faultsCommand,
  sessions: async () => (await import("./commands/sessions.js")).sessionsCommand,
  webhooks: async () => (await import("./commands/webhooks.js")).webhooksCommand,
  mcp: async () => (await import("./commands/mcp.js")).mcpCommand,
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "-h" || name === "--help" || name === "help") {
    console.log(help);
    return name ? 0 : 2;
  }
  if (name === "--version" || name === "-v" || name === "version") {
    console.log(manifest.version);
    return 0;
  }
  const load = commands[name];
  if (!load) {
    console.error(`sandmail: unknown command '${name}'\n\n${help}`);
    return 2;
  }
  return (await load())(rest);
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  // Loaded only on failure: `--help` and `--version` should not pay for zod and the SDK.
  const { exitCodeFor } = await import("./cli-errors.js");
  process.exitCode = exitCodeFor(err);
}
