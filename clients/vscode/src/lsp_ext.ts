// The server's custom protocol, mirrored from server/specwright/src/lsp/ext.rs
// (documented in schemas/protocol.json). A unit test keeps METHODS and
// COMMANDS equal to the protocol file's names.

export const SPECS = 'specwright/specs';
export const REPO_MAP = 'specwright/context/repoMap';
export const STREAM = 'specwright/stream';
export const HOOKS = 'specwright/hooks';
export const HOOK_RESULT = 'specwright/hookResult';
export const SPEC_CREATE_REQUEST = 'specwright/spec/create';
export const SPEC_GENERATE_DESIGN_REQUEST = 'specwright/spec/generateDesign';
export const SPEC_GENERATE_TASKS_REQUEST = 'specwright/spec/generateTasks';
export const SPEC_REFINE_REQUEST = 'specwright/spec/refine';
export const CHAT_NEW = 'specwright/chat/new';
export const CHAT_SEND = 'specwright/chat/send';
export const CHAT_CANCEL = 'specwright/chat/cancel';
export const CHAT_LIST = 'specwright/chat/list';
export const CHAT_HISTORY = 'specwright/chat/history';
export const CHAT_EVENT = 'specwright/chat/event';
/** Server → client request, sent when the client declared `experimental.specwright.reviewEdits`. */
export const REVIEW_EDITS = 'specwright/reviewEdits';
/** The MCP servers of the workspace folders: state, tools and (asked for) resources. */
export const MCP_STATUS = 'specwright/mcp/status';

/** Every custom request or notification, in the server's order. */
export const METHODS = [
  SPECS,
  REPO_MAP,
  STREAM,
  HOOKS,
  HOOK_RESULT,
  SPEC_CREATE_REQUEST,
  SPEC_GENERATE_DESIGN_REQUEST,
  SPEC_GENERATE_TASKS_REQUEST,
  SPEC_REFINE_REQUEST,
  CHAT_NEW,
  CHAT_SEND,
  CHAT_CANCEL,
  CHAT_LIST,
  CHAT_HISTORY,
  CHAT_EVENT,
  REVIEW_EDITS,
  MCP_STATUS,
] as const;

export const SET_TASK_STATUS = 'specwright.task.setStatus';
export const SPEC_CREATE = 'specwright.spec.create';
export const SPEC_GENERATE_DESIGN = 'specwright.spec.generateDesign';
export const SPEC_GENERATE_TASKS = 'specwright.spec.generateTasks';
export const SPEC_REFINE = 'specwright.spec.refine';
export const STEERING_GENERATE = 'specwright.steering.generate';
export const HOOK_RUN = 'specwright.hook.run';
export const HOOK_TOGGLE = 'specwright.hook.toggle';
export const HOOKS_TRUST = 'specwright.hooks.trust';
export const TEST_SKELETON = 'specwright.test.generateSkeleton';
export const CHAT_OPEN_DOCUMENT = 'specwright.chat.openDocument';
export const TASK_START = 'specwright.task.start';
export const TASKS_RUN_ALL = 'specwright.tasks.runAll';
export const CHECKPOINT_LIST = 'specwright.checkpoint.list';
export const CHECKPOINT_RESTORE = 'specwright.checkpoint.restore';

/** Every command the server executes, in the server's order. */
export const COMMANDS = [
  SET_TASK_STATUS,
  SPEC_CREATE,
  SPEC_GENERATE_DESIGN,
  SPEC_GENERATE_TASKS,
  SPEC_REFINE,
  STEERING_GENERATE,
  HOOK_RUN,
  HOOK_TOGGLE,
  HOOKS_TRUST,
  TEST_SKELETON,
  CHAT_OPEN_DOCUMENT,
  TASK_START,
  TASKS_RUN_ALL,
  CHECKPOINT_LIST,
  CHECKPOINT_RESTORE,
] as const;

export interface HooksTrustParams {
  root?: string | null;
}

export interface HooksTrustResult {
  trusted: string[];
  record: string;
}

export interface SpecsParams {
  root?: string | null;
}

export interface SpecDocuments {
  requirements?: string;
  bugfix?: string;
  design?: string;
  tasks?: string;
  config?: string;
}

export interface SpecInfo {
  name: string;
  uri: string;
  root: string | null;
  kind: 'feature' | 'bugfix';
  documents: SpecDocuments;
  requirements: number;
  criteria: number;
  tasks: number;
  subtasks: number;
  done: number;
  optional: number;
  references: number;
  dangling: string[];
  uncovered: string[];
  total: number;
  errors: number;
  warnings: number;
}

export interface SpecsResult {
  specs: SpecInfo[];
}

export interface RepoMapParams {
  budget?: number | null;
  focus?: string[];
  symbols?: string[];
  root?: string | null;
}

export interface RepoMapResult {
  text: string;
  tokens: number;
  files: number;
  symbols: number;
  indexed: number;
}

export interface StreamParams {
  token: string;
  uri: string;
  document: 'requirements' | 'bugfix' | 'design' | 'tasks';
  delta: string;
}

export interface CreateSpecParams {
  prompt: string;
  name?: string;
  workflow?: 'requirements-first' | 'design-first';
  type?: 'feature' | 'bugfix';
  quick?: boolean;
  root?: string;
}

export interface SpecRef {
  spec: string;
  prompt?: string;
}

export interface RefineParams {
  spec: string;
  document: 'requirements' | 'bugfix' | 'design' | 'tasks';
  instruction: string;
}

export interface GenerationResult {
  spec: string;
  uri: string;
  documents: string[];
  problems: string[];
  draftedBy?: string;
  addedTasks?: string[];
  droppedTasks?: string[];
}

export interface HooksParams {
  root?: string | null;
}

export interface HookInfo {
  name: string;
  uri: string;
  line: number;
  root: string;
  enabled: boolean;
  trigger: string;
  action: 'runCommand' | 'askAgent';
  detail: string;
  patterns: string[];
}

export interface HooksResult {
  hooks: HookInfo[];
}

export interface HookRef {
  name: string;
  root?: string | null;
  file?: string | null;
}

export interface HookResult {
  name: string;
  trigger: string;
  file?: string;
  action: 'runCommand' | 'askAgent' | 'builtin';
  ok: boolean;
  exitCode?: number;
  output: string;
  timedOut: boolean;
  cancelled: boolean;
  durationMs: number;
  hookFile: string;
}

export interface HookToggleResult {
  applied: boolean;
  enabled: boolean;
}

/** `specwright/reviewEdits` params: the agent's proposed change, hunk by hunk. */
export interface ReviewHunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  /** Unified-diff form: the `@@ … @@` header, then lines prefixed with ' ', '-' or '+'. */
  text: string;
}

export interface ReviewFile {
  uri: string;
  action: 'create' | 'change' | 'delete';
  oldText: string | null;
  newText: string | null;
  hunks: ReviewHunk[];
}

export interface ReviewEditsParams {
  session?: string;
  title: string;
  files: ReviewFile[];
}

/** `true`: the whole file; `false`: none of it; an array: the indices of the accepted hunks (a `change` only). */
export type Accepted = boolean | number[];

export interface ReviewEditsResult {
  files: { uri: string; accepted: Accepted }[];
}

export interface ChatNewParams {
  title?: string | null;
  spec?: string | null;
  autopilot?: boolean;
}

export interface ChatNewResult {
  session: string;
}

export type ContextKind = 'file' | 'folder' | 'spec' | 'steering' | 'codebase' | 'problems' | 'gitDiff' | 'mcp';

export interface ChatContext {
  kind: ContextKind;
  /** A file or folder of the workspace; for `mcp`, the resource's URI. */
  uri?: string | null;
  /** For `mcp`: the MCP server whose resource `uri` is. */
  server?: string;
}

export interface ChatSendParams {
  session: string;
  text: string;
  context?: ChatContext[];
}

export interface ChatSendResult {
  turn: number;
  stopReason: 'endTurn' | 'maxSteps' | 'cancelled' | 'error';
  text: string;
  checkpoint?: string;
}

export interface ChatSessionRef {
  session: string;
}

export interface ChatSessionInfo {
  session: string;
  title: string;
  turns: number;
  autopilot: boolean;
}

export interface ChatListResult {
  sessions: ChatSessionInfo[];
}

export interface HistoryContent {
  type: 'text' | 'tool_use' | 'tool_result';
  text?: string;
  id?: string;
  name?: string;
  input?: unknown;
  tool_use_id?: string;
  content?: string;
  is_error?: boolean;
}

export interface HistoryMessage {
  role: 'user' | 'assistant';
  content: HistoryContent[];
}

export interface ChatHistoryResult {
  session: string;
  messages: HistoryMessage[];
}

export interface ChatEvent {
  session: string;
  turn: number;
  kind: 'text' | 'toolCall' | 'toolResult' | 'edit' | 'notice' | 'done' | 'error';
  text?: string;
  name?: string;
  input?: unknown;
  ok?: boolean;
  output?: string;
  uri?: string;
  action?: 'write' | 'change' | 'delete';
}

export interface TaskStartParams {
  uri: string;
  taskId: string;
  testCommand?: string | null;
}

export interface TasksRunAllParams {
  uri: string;
  includeOptional?: boolean;
  testCommand?: string | null;
}

export interface TaskCheck {
  name: string;
  ok: boolean;
  detail?: string;
}

export interface TaskReport {
  id: string;
  title: string;
  status: 'done' | 'evidence-failed' | 'cancelled' | 'failed';
  tests?: { ran: number; passed: number; failed: number; skipped: number } | null;
  files: string[];
  checks: TaskCheck[];
  testCommand?: string | null;
  outputTail: string;
  checkpoint?: string | null;
  session?: string | null;
  answer: string;
}

export interface TasksRunAllResult {
  tasks: TaskReport[];
  passed: boolean;
}

export interface CheckpointListParams {
  session?: string | null;
}

export interface CheckpointInfo {
  id: string;
  label: string;
  session?: string | null;
  created: number;
  files: string[];
}

export interface CheckpointListResult {
  checkpoints: CheckpointInfo[];
}

export interface CheckpointRestoreParams {
  id: string;
}

export interface CheckpointRestoreResult {
  restored: string[];
}

/** `specwright/mcp/status` params (`{}` or null: neither). */
export interface McpStatusParams {
  /** Start every enabled server that is not running first (a workspace's own only once the folder is trusted). */
  start?: boolean;
  /** List the resources of the running servers. */
  resources?: boolean;
}

export type McpServerState = 'stopped' | 'starting' | 'running' | 'failed' | 'disabled' | 'not trusted';

export interface McpResourceInfo {
  uri: string;
  name: string;
  description?: string;
  mimeType?: string;
}

export interface McpServerStatus {
  /** The workspace folder's URI. */
  folder: string;
  /** Its key in `mcpServers`. */
  name: string;
  /** `workspace` (.kiro/settings/mcp.json) or `user` (~/.kiro/settings/mcp.json). */
  scope: 'workspace' | 'user';
  /** `stdio: <command> <args>` or `http: <url>`. */
  transport: string;
  state: McpServerState;
  /** Why it failed, or why it does not start. */
  reason?: string;
  /** The tools it offers the agent (empty until it ran). */
  tools: string[];
  /** The tools that run without asking (`*`: all). */
  autoApprove: string[];
  pid?: number;
  /** With `resources`, when it runs. */
  resources?: McpResourceInfo[];
}

export interface McpStatusResult {
  servers: McpServerStatus[];
}
