import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import MarkdownIt from 'markdown-it';

import { mermaidPlugin } from '../../src/mermaid';

describe('mermaidPlugin', () => {
  const md = mermaidPlugin(new MarkdownIt());
  it('turns mermaid fences into blocks the preview script renders, escaped', () => {
    const html = md.render('```mermaid\nflowchart TD\n  A --> B<script>\n```\n');
    assert.equal(html, '<pre class="mermaid specwright-mermaid">flowchart TD\n  A --&gt; B&lt;script&gt;\n</pre>\n');
  });
  it('leaves other fences to markdown-it', () => {
    const html = md.render('```ts\nconst a = 1;\n```\n');
    assert.match(html, /<pre><code class="language-ts">const a = 1;/);
  });
});
