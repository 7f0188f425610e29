// What `sagac: Show the saga's diagram` opens beside the spec: the Markdown document the
// server drew (`markdown`: what `sagac diagram --markdown` writes, so a saga with
// `resources` shows its instances' happy run and each counterexample under its heading),
// or, from a server older than that field, its one diagram in a mermaid fence. Kept apart
// from extension.ts, which needs VS Code, so that a test can run it under Node.

export interface DiagramSection {
  title: string;
  summary?: string;
  mermaid: string;
}

export interface DiagramResult {
  kind: string;
  mermaid: string;
  markdown?: string;
  sections?: DiagramSection[];
}

export function diagramDocument(result: DiagramResult): string {
  return result.markdown ?? "```mermaid\n" + result.mermaid + "\n```\n";
}
