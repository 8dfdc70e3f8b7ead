// Runs in the Markdown preview (`markdown.previewScripts`): renders the
// <pre class="mermaid"> blocks the markdown-it plugin emits, with the
// mermaid library shipped in the extension (dist/mermaid.min.js, loaded
// just before this script), on load and on every preview update.
import type MermaidApi from 'mermaid';

declare const mermaid: typeof MermaidApi;

const dark = document.body.classList.contains('vscode-dark') || document.body.classList.contains('vscode-high-contrast');
mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', theme: dark ? 'dark' : 'default' });

let counter = 0;
async function render(): Promise<void> {
  const blocks = Array.from(document.querySelectorAll<HTMLElement>('pre.specwright-mermaid:not([data-processed])'));
  for (const block of blocks) {
    const source = block.textContent ?? '';
    try {
      const { svg } = await mermaid.render(`specwright-mermaid-${counter++}`, source);
      block.innerHTML = svg;
    } catch (e) {
      block.textContent = `Mermaid: ${e instanceof Error ? e.message : String(e)}\n\n${source}`;
    }
    block.setAttribute('data-processed', 'true');
  }
}

window.addEventListener('vscode.markdown.updateContent', () => void render());
void render();
