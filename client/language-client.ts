/**
 * Starts the bundled language server (dist/server.js) over IPC and keeps it running: after a crash it
 * is restarted with a notification; after repeated crashes it stays down and offers a restart.
 */
import * as vscode from 'vscode';
import { CloseAction, ErrorAction, LanguageClient, TransportKind } from 'vscode-languageclient/node';
import type {
  CloseHandlerResult,
  ErrorHandler,
  ErrorHandlerResult,
  LanguageClientOptions,
  ServerOptions,
} from 'vscode-languageclient/node';

/** At most this many restarts within the window; then the server stays down until the user restarts it. */
const MAX_RESTARTS = 4;
const RESTART_WINDOW_MS = 3 * 60 * 1000;

export function createLanguageClient(
  context: vscode.ExtensionContext,
  output: vscode.OutputChannel,
): LanguageClient {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'yaml' },
      { scheme: 'file', language: 'json' },
      { scheme: 'untitled', language: 'yaml' },
    ],
    outputChannel: output,
    errorHandler: new RestartingErrorHandler(output),
    // The server pulls `netpolScope` settings per resource (workspace/configuration) and registers its
    // own file watchers; the client only announces configuration changes.
    synchronize: { configurationSection: 'netpolScope' },
  };
  return new LanguageClient('netpolScope', 'netpol-scope', serverOptions, clientOptions);
}

class RestartingErrorHandler implements ErrorHandler {
  private readonly restarts: number[] = [];

  constructor(private readonly output: vscode.OutputChannel) {}

  error(): ErrorHandlerResult {
    return { action: ErrorAction.Continue };
  }

  closed(): CloseHandlerResult {
    const now = Date.now();
    this.restarts.push(now);
    while (this.restarts.length > 0 && now - this.restarts[0]! > RESTART_WINDOW_MS) this.restarts.shift();
    if (this.restarts.length > MAX_RESTARTS) {
      this.output.appendLine(
        `The server crashed ${this.restarts.length} times in 3 minutes; it will not be restarted.`,
      );
      void vscode.window
        .showErrorMessage(
          'netpol-scope: the language server keeps crashing and was stopped.',
          'Show Output',
          'Restart Server',
        )
        .then((choice) => {
          if (choice === 'Show Output') this.output.show();
          if (choice === 'Restart Server') void vscode.commands.executeCommand('netpolScope.restartServer');
        });
      return { action: CloseAction.DoNotRestart, handled: true };
    }
    this.output.appendLine('The server stopped unexpectedly; restarting it.');
    void vscode.window
      .showWarningMessage('netpol-scope: the language server crashed and was restarted.', 'Show Output')
      .then((choice) => {
        if (choice === 'Show Output') this.output.show();
      });
    return { action: CloseAction.Restart, handled: true };
  }
}
