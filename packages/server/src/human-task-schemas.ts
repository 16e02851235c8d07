/**
 * The schemas of the human task routes (`/api/human-tasks`): the inbox, a
 * human task, and a person's answer. Names follow the library's glossary.
 */
import { z } from "@hono/zod-openapi";
import { humanTaskStatuses } from "baton";
import { Json, PlainText, RunId, Time } from "./api-schemas.js";

/** Status of a human task. */
export const HumanTaskStatus = z
  .enum(humanTaskStatuses as ["open", "completed", "rejected", "timed_out", "cancelled"])
  .openapi("HumanTaskStatus");

/** A human task. */
export const HumanTask = z
  .object({
    id: z.string().openapi({ description: "`<run id>:<position>`" }),
    runId: z.string(),
    workflow: z.string(),
    position: z.number().int(),
    name: z.string(),
    title: z.string(),
    description: z.string().optional(),
    form: z.record(z.string(), Json).optional().openapi({ description: "JSON Schema of the data a completion gives" }),
    context: Json.optional().openapi({ description: "what the person needs to decide" }),
    assignee: z.string().optional(),
    role: z.string().optional(),
    status: HumanTaskStatus,
    dueAt: Time.optional(),
    remindAt: Time.optional(),
    reassigned: z.boolean(),
    data: Json.optional(),
    comment: z.string().optional(),
    completedBy: z.string().optional(),
    completedAt: Time.optional(),
    createdAt: Time,
    updatedAt: Time,
  })
  .openapi("HumanTask");

const statusList = `(${humanTaskStatuses.join("|")})`;

/** The query of `GET /api/human-tasks`. */
export const ListHumanTasksQuery = z.object({
  status: z
    .string()
    .regex(
      new RegExp(`^${statusList}(,${statusList})*$`),
      `expected human task statuses separated by commas: ${humanTaskStatuses.join(", ")}`,
    )
    .optional()
    .openapi({ description: "only human tasks in one of these statuses (default open)", example: "open" }),
  assignee: PlainText.optional(),
  role: PlainText.optional(),
  runId: RunId.optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  cursor: z.string().max(2000).optional(),
});

/** One page of human tasks, oldest first. */
export const HumanTaskPage = z
  .object({ humanTasks: z.array(HumanTask), nextCursor: z.string().optional() })
  .openapi("HumanTaskPage");

/** A human task id in a path. */
export const HumanTaskPath = z.object({
  id: z
    .string()
    .min(3)
    .max(220)
    .openapi({ param: { name: "id", in: "path" }, example: "refund-7:2" }),
});

/** A comment on an answer: text of at most 10,000 characters, without NUL (which no store keeps in text). */
const Comment = z
  .string()
  .max(10_000)
  // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is what it refuses
  .regex(/^[^\x00]*$/, "expected text without NUL characters");

/** `POST /api/human-tasks/{id}/complete`. */
export const CompleteHumanTaskBody = z
  .strictObject({
    data: Json.optional().openapi({ description: "the form's data, checked against its JSON Schema" }),
    comment: Comment.optional(),
  })
  .openapi("HumanTaskCompleteRequest");

/** `POST /api/human-tasks/{id}/reject`. */
export const RejectHumanTaskBody = z.strictObject({ comment: Comment.optional() }).openapi("HumanTaskRejectRequest");
