/**
 * `update_plan`: the model keeps a short checklist of a multi-step task that the person sees. The
 * tool itself changes nothing; each call hands the whole list to `record`, which logs it as a
 * canonical `plan` event (the chat's checklist, `--jsonl`, resume and compaction read it there).
 */

import { validateArguments } from "./arguments.ts";
import { fail } from "./failure.ts";
import type { Tool } from "./tool.ts";

/** Where a step of the plan stands. */
export type PlanStatus = "pending" | "in_progress" | "completed";

/** One step of the plan. */
export interface PlanStep {
  step: string;
  status: PlanStatus;
}

/** A plan as the model last sent it: its steps in order, and why it changed when it said so. */
export interface PlanData {
  steps: PlanStep[];
  explanation?: string;
  /** The call that set it. */
  call_id?: string;
}

/** The statuses, in the order a step goes through them. */
export const PLAN_STATUSES: readonly PlanStatus[] = ["pending", "in_progress", "completed"];

/** Most steps a plan may have: a checklist, not a backlog. */
export const MAX_PLAN_STEPS = 50;

/** The name the model calls the tool by. */
export const PLAN_TOOL_NAME = "update_plan";

interface PlanArguments {
  plan: PlanStep[];
  explanation?: string;
}

/** The `update_plan` tool; `record` keeps each accepted plan (it must not throw for a valid one). */
export function createPlanTool(
  record: (plan: PlanData) => Promise<void>,
): Tool {
  const parameters = {
    type: "object" as const,
    properties: {
      explanation: { type: "string" as const },
      plan: {
        type: "array" as const,
        items: {
          type: "object" as const,
          properties: {
            step: { type: "string" as const },
            status: { type: "string" as const, enum: [...PLAN_STATUSES] },
          },
          required: ["step", "status"],
          additionalProperties: false,
        },
      },
    },
    required: ["plan"],
    additionalProperties: false,
  };
  return {
    name: PLAN_TOOL_NAME,
    description:
      "Show the user your plan for multi-step work: all steps each time, one in_progress.",
    parameters,
    async run(args, ctx) {
      const checked = validateArguments<PlanArguments>(parameters, args);
      if (!checked.ok) return { ok: false, error: checked.error };
      const { plan, explanation } = checked.value;
      if (plan.length > MAX_PLAN_STEPS) {
        return fail("invalid_arguments", `A plan has at most ${MAX_PLAN_STEPS} steps.`);
      }
      if (plan.some((item) => item.step.trim() === "")) {
        return fail("invalid_arguments", "Every step needs a description.");
      }
      if (plan.filter((item) => item.status === "in_progress").length > 1) {
        return fail("invalid_arguments", "At most one step may be in_progress.");
      }
      await record({
        steps: plan.map(({ step, status }) => ({ step: step.trim(), status })),
        ...(explanation === undefined || explanation.trim() === ""
          ? {}
          : { explanation: explanation.trim() }),
        ...(ctx.callId === undefined ? {} : { call_id: ctx.callId }),
      });
      return { ok: true, output: "Plan updated." };
    },
  };
}

/** The mark of a step in a text checklist. */
export function planMark(status: PlanStatus): string {
  return status === "completed" ? "[x]" : status === "in_progress" ? "[~]" : "[ ]";
}

/** The plan as checklist lines (`[x] done`, `[~] doing`, `[ ] to do`), the explanation first. */
export function planText(plan: PlanData): string {
  const steps = plan.steps.map((item) => `${planMark(item.status)} ${item.step}`);
  return [...plan.explanation === undefined ? [] : [plan.explanation], ...steps].join("\n");
}
