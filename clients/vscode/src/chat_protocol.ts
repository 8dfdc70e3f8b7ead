// The messages between the chat view's webview (src/chat/webview.ts) and
// the extension (src/chat_view.ts). Types only.
import type { ContextKind } from './lsp_ext';

export interface ViewState {
  /** The session's title, or `New chat` before the first message. */
  title: string;
  /** The model in use (`openai · gpt-4o-mini`, `no model`). */
  model: string;
  /** The mode of the current session (or of the next one, before the first message). */
  autopilot: boolean;
  /** The mode the next session gets, when it differs from the current one's. */
  nextAutopilot?: boolean;
  running: boolean;
  context: { label: string; title: string }[];
  /** The transcript, rendered by the extension (raw HTML in messages is escaped). */
  html: string;
  /** The title of an edit review waiting for the user. */
  review?: string;
  /** The server is not running. */
  offline: boolean;
}

export type ToWebview = { type: 'state'; state: ViewState } | { type: 'focus' };

export type FromWebview =
  | { type: 'ready' }
  | { type: 'send'; text: string }
  | { type: 'stop' }
  | { type: 'new' }
  | { type: 'sessions' }
  | { type: 'mode' }
  | { type: 'attach'; kind?: ContextKind }
  | { type: 'detach'; index: number }
  | { type: 'diff'; turn: string; uri: string }
  | { type: 'restore'; checkpoint: string }
  | { type: 'checkpoints' }
  | { type: 'review' };
