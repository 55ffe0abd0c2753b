/**
 * The record of one permission decision: whether a tool call that needed permission went ahead and
 * what decided it. The policy makes it; the session log keeps it as a `permission_decision` event.
 */

import type { DecisionSource } from "./approval.ts";

/** Whether a tool call that needed permission went ahead, and what decided it. */
export interface PermissionDecisionData {
  /** The call it was made for, when known. */
  call_id?: string;
  tool: string;
  /** The shell command as the model wrote it. */
  command: string;
  decision: "allow" | "deny";
  source: DecisionSource;
  /** For a person's yes: this call only, or saved as the rules in `rules`. */
  scope?: "once" | "always";
  /** Saved rules (one-command shell lines) that allowed it, or that an "always" answer saved. */
  rules?: string[];
  /** Why it was denied, as told to the model. */
  reason?: string;
  /** The reason a person gave with their no. */
  user_reason?: string;
}
