// Runs in the chat view's webview: shows the state the extension posts
// (the transcript comes rendered), and posts the user's actions back. The
// `#` completion attaches context; Mermaid blocks are drawn with the
// bundled library, loaded the first time one appears. No remote resources.
import type MermaidApi from 'mermaid';

import type { FromWebview, ToWebview, ViewState } from '../chat_protocol';

declare function acquireVsCodeApi(): {
  postMessage(message: FromWebview): void;
  getState(): { draft?: string } | undefined;
  setState(state: { draft?: string }): void;
};
declare const mermaid: typeof MermaidApi | undefined;

const vscode = acquireVsCodeApi();
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const title = $('title');
const model = $('model');
const mode = $<HTMLButtonElement>('mode');
const transcript = $('transcript');
const empty = $('empty');
const chips = $('chips');
const input = $<HTMLTextAreaElement>('input');
const complete = $('complete');
const send = $<HTMLButtonElement>('send');
const stop = $<HTMLButtonElement>('stop');
const review = $('review');
const reviewTitle = $('review-title');

const kinds: { kind: string; help: string }[] = (document.body.dataset.kinds ?? '')
  .split('|')
  .filter(Boolean)
  .map((pair) => {
    const [kind, help] = pair.split('=');
    return { kind, help };
  });

let state: ViewState | undefined;
let lastHtml = '';

const post = (message: FromWebview) => vscode.postMessage(message);

// ------------------------------------------------------------------ state

function render(s: ViewState): void {
  state = s;
  title.textContent = s.title;
  model.textContent = s.offline ? 'server not running' : s.model;
  mode.textContent = s.autopilot ? 'Autopilot' : 'Supervised';
  mode.classList.toggle('on', s.autopilot);
  mode.setAttribute('aria-pressed', String(s.autopilot));
  mode.title =
    (s.autopilot ? 'Autopilot: edits are applied at once.' : 'Supervised: each edit is reviewed first.') +
    (s.nextAutopilot === undefined ? ' Click to switch.' : ` The next chat: ${s.nextAutopilot ? 'autopilot' : 'supervised'}.`);
  if (s.nextAutopilot !== undefined) {
    mode.textContent += ` → ${s.nextAutopilot ? 'Autopilot' : 'Supervised'}`;
  }
  send.hidden = s.running;
  stop.hidden = !s.running;
  review.hidden = !s.review;
  reviewTitle.textContent = s.review ?? '';

  chips.replaceChildren(
    ...s.context.map((c, index) => {
      const chip = document.createElement('span');
      chip.className = 'chip';
      chip.title = c.title;
      chip.textContent = c.label;
      const remove = document.createElement('button');
      remove.className = 'chip-remove';
      remove.textContent = '×';
      remove.title = `Remove ${c.label}`;
      remove.addEventListener('click', () => post({ type: 'detach', index }));
      chip.append(remove);
      return chip;
    }),
  );

  empty.hidden = s.html !== '';
  if (s.html !== lastHtml) {
    lastHtml = s.html;
    const atBottom = transcript.scrollHeight - transcript.scrollTop - transcript.clientHeight < 40;
    const open = new Set(
      Array.from(transcript.querySelectorAll<HTMLDetailsElement>('details[data-id]')).filter((d) => d.open).map((d) => d.dataset.id),
    );
    transcript.innerHTML = s.html;
    for (const d of Array.from(transcript.querySelectorAll<HTMLDetailsElement>('details[data-id]'))) {
      if (open.has(d.dataset.id)) {
        d.open = true;
      }
    }
    void drawMermaid();
    if (atBottom) {
      transcript.scrollTop = transcript.scrollHeight;
    }
  }
}

window.addEventListener('message', (e: MessageEvent<ToWebview>) => {
  const m = e.data;
  if (m.type === 'state') {
    render(m.state);
  } else if (m.type === 'focus') {
    input.focus();
  }
});

// ------------------------------------------------------------------ mermaid

const svgs = new Map<string, string>();
let mermaidLoading: Promise<boolean> | undefined;
let counter = 0;

function loadMermaid(): Promise<boolean> {
  mermaidLoading ??= new Promise((resolve) => {
    const script = document.createElement('script');
    script.nonce = document.body.dataset.nonce ?? '';
    script.src = document.body.dataset.mermaid ?? '';
    script.onload = () => {
      const dark = document.body.classList.contains('vscode-dark') || document.body.classList.contains('vscode-high-contrast');
      mermaid?.initialize({ startOnLoad: false, securityLevel: 'strict', theme: dark ? 'dark' : 'default' });
      resolve(typeof mermaid !== 'undefined');
    };
    script.onerror = () => resolve(false);
    document.head.append(script);
  });
  return mermaidLoading;
}

async function drawMermaid(): Promise<void> {
  const blocks = Array.from(transcript.querySelectorAll<HTMLElement>('pre.specwright-mermaid:not([data-processed])'));
  if (blocks.length === 0) {
    return;
  }
  for (const block of blocks) {
    const cached = svgs.get(block.textContent ?? '');
    if (cached) {
      block.innerHTML = cached;
      block.dataset.processed = 'true';
    }
  }
  const rest = blocks.filter((b) => !b.dataset.processed);
  // A turn still streaming may end in an unfinished diagram: drawn once the turn ends.
  if (rest.length === 0 || !(await loadMermaid()) || !mermaid) {
    return;
  }
  for (const block of rest) {
    const source = block.textContent ?? '';
    if (block.closest('.turn.running')) {
      continue;
    }
    try {
      const { svg } = await mermaid.render(`specwright-chat-mermaid-${counter++}`, source);
      svgs.set(source, svg);
      block.innerHTML = svg;
    } catch (e) {
      block.textContent = `Mermaid: ${e instanceof Error ? e.message : String(e)}\n\n${source}`;
    }
    block.dataset.processed = 'true';
  }
}

// ------------------------------------------------------------------ input

function sendInput(): void {
  const text = input.value;
  if (!text.trim() || state?.running) {
    return;
  }
  post({ type: 'send', text });
  input.value = '';
  vscode.setState({ draft: '' });
  hideComplete();
}

let options: { kind: string; help: string }[] = [];
let selected = 0;

/** The `#word` just before the cursor, if the cursor ends one. */
function hashToken(): { start: number; prefix: string } | undefined {
  const before = input.value.slice(0, input.selectionStart ?? 0);
  const m = /(^|\s)#([A-Za-z]*)$/.exec(before);
  return m ? { start: before.length - m[2].length - 1, prefix: m[2] } : undefined;
}

function showComplete(): void {
  const token = hashToken();
  options = token ? kinds.filter((k) => k.kind.toLowerCase().startsWith(token.prefix.toLowerCase())) : [];
  if (options.length === 0) {
    hideComplete();
    return;
  }
  selected = Math.min(selected, options.length - 1);
  complete.replaceChildren(
    ...options.map((o, i) => {
      const row = document.createElement('div');
      row.className = `option${i === selected ? ' selected' : ''}`;
      row.setAttribute('role', 'option');
      row.dataset.kind = o.kind;
      const name = document.createElement('span');
      name.className = 'option-name';
      name.textContent = `#${o.kind}`;
      const help = document.createElement('span');
      help.className = 'option-help';
      help.textContent = o.help;
      row.append(name, help);
      row.addEventListener('mousedown', (e) => {
        e.preventDefault();
        choose(i);
      });
      return row;
    }),
  );
  complete.hidden = false;
}

function hideComplete(): void {
  complete.hidden = true;
  options = [];
  selected = 0;
}

/** Removes the typed `#word` and asks the extension to attach that kind (it shows the pickers). */
function choose(index: number): void {
  const option = options[index];
  const token = hashToken();
  if (!option || !token) {
    hideComplete();
    return;
  }
  const end = input.selectionStart ?? input.value.length;
  input.value = input.value.slice(0, token.start) + input.value.slice(end);
  input.setSelectionRange(token.start, token.start);
  hideComplete();
  post({ type: 'attach', kind: option.kind as never });
}

input.addEventListener('input', () => {
  vscode.setState({ draft: input.value });
  showComplete();
});
input.addEventListener('keydown', (e) => {
  if (!complete.hidden) {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      selected = (selected + (e.key === 'ArrowDown' ? 1 : options.length - 1)) % options.length;
      showComplete();
      return;
    }
    if (e.key === 'Enter' || e.key === 'Tab') {
      e.preventDefault();
      choose(selected);
      return;
    }
    if (e.key === 'Escape') {
      e.preventDefault();
      hideComplete();
      return;
    }
  }
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    sendInput();
  }
});
input.addEventListener('blur', () => setTimeout(hideComplete, 150));

send.addEventListener('click', sendInput);
stop.addEventListener('click', () => post({ type: 'stop' }));
mode.addEventListener('click', () => post({ type: 'mode' }));
$('new').addEventListener('click', () => post({ type: 'new' }));
$('sessions').addEventListener('click', () => post({ type: 'sessions' }));
$('checkpoints').addEventListener('click', () => post({ type: 'checkpoints' }));
$('attach').addEventListener('click', () => post({ type: 'attach' }));
$('review-open').addEventListener('click', () => post({ type: 'review' }));

transcript.addEventListener('click', (e) => {
  const target = (e.target as HTMLElement).closest<HTMLElement>('[data-action]');
  if (!target) {
    return;
  }
  const action = target.dataset.action;
  if (action === 'diff') {
    post({ type: 'diff', turn: target.dataset.turn ?? '', uri: target.dataset.uri ?? '' });
  } else if (action === 'restore') {
    post({ type: 'restore', checkpoint: target.dataset.checkpoint ?? '' });
  }
});

input.value = vscode.getState()?.draft ?? '';
post({ type: 'ready' });
