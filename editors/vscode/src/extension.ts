// The sagac extension: starts `sagac lsp` for YAML, Markdown and Mermaid files (the server
// itself decides which YAML files are saga specs), and adds one command that asks the
// server for the saga's Mermaid diagram (the custom `sagac/diagram` request, documented in
// docs/editors.md) and opens it beside the spec (diagramDocument.ts).

import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
} from "vscode-languageclient/node";
import { DiagramResult, diagramDocument } from "./diagramDocument";

let client: LanguageClient | undefined;

function makeClient(): LanguageClient {
  const config = vscode.workspace.getConfiguration("sagac");
  const command = config.get<string>("path", "sagac");
  const serverOptions: ServerOptions = {
    run: { command, args: ["lsp"] },
    debug: { command, args: ["lsp"] },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "yaml" },
      { scheme: "untitled", language: "yaml" },
      { scheme: "file", language: "markdown" },
      { scheme: "file", pattern: "**/*.{mmd,mermaid}" },
    ],
    initializationOptions: {
      simulate: config.get<boolean>("simulate", true),
      debounceMs: config.get<number>("debounceMs", 15),
    },
  };
  return new LanguageClient("sagac", "sagac", serverOptions, clientOptions);
}

async function showDiagram(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || !client) {
    vscode.window.showErrorMessage("sagac: open a saga spec first");
    return;
  }
  const kind = vscode.workspace
    .getConfiguration("sagac")
    .get<string>("diagramKind", "sequence");
  try {
    const result = await client.sendRequest<DiagramResult>("sagac/diagram", {
      textDocument: { uri: editor.document.uri.toString() },
      kind,
    });
    // A Markdown document with a mermaid fence per diagram: any Mermaid preview extension
    // renders it.
    const doc = await vscode.workspace.openTextDocument({
      language: "markdown",
      content: diagramDocument(result),
    });
    await vscode.window.showTextDocument(doc, vscode.ViewColumn.Beside, true);
  } catch (e) {
    vscode.window.showErrorMessage(`sagac: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  client = makeClient();
  context.subscriptions.push(
    vscode.commands.registerCommand("sagac.showDiagram", showDiagram),
    vscode.commands.registerCommand("sagac.restart", async () => {
      await client?.stop();
      client = makeClient();
      await client.start();
    }),
  );
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
