// Mermaid diagrams in the built-in Markdown preview: a markdown-it plugin
// turns ```mermaid fences into <pre class="mermaid"> blocks, and the
// bundled preview script (preview/mermaid_preview.ts) renders them. No CDN.
import type MarkdownIt from 'markdown-it';

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The markdown-it plugin (`extendMarkdownIt`). */
export function mermaidPlugin(md: MarkdownIt): MarkdownIt {
  const fence = md.renderer.rules.fence;
  md.renderer.rules.fence = (tokens, idx, options, env, self) => {
    const token = tokens[idx];
    if (token.info.trim().split(/\s+/)[0].toLowerCase() === 'mermaid') {
      return `<pre class="mermaid specwright-mermaid">${escapeHtml(token.content)}</pre>\n`;
    }
    return fence ? fence(tokens, idx, options, env, self) : self.renderToken(tokens, idx, options);
  };
  return md;
}
