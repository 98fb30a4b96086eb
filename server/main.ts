/**
 * Entry point of the language server. The transport comes from the command line, as
 * vscode-languageserver reads it: `--stdio`, `--node-ipc` or `--socket=<port>`.
 */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server.js';

const connection = createConnection(ProposedFeatures.all);

// stdout may be the protocol channel: route console output to the client's log instead.
console.log = (...args: unknown[]) => connection.console.log(args.map(String).join(' '));
console.info = console.log;
console.warn = (...args: unknown[]) => connection.console.warn(args.map(String).join(' '));
console.error = (...args: unknown[]) => connection.console.error(args.map(String).join(' '));

// Keep serving: a bug in one request must not take the server (and the user's session) down.
process.on('uncaughtException', (error) =>
  connection.console.error(`uncaught: ${error.stack ?? String(error)}`),
);
process.on('unhandledRejection', (reason) =>
  connection.console.error(`unhandled rejection: ${String(reason)}`),
);

startServer(connection);
