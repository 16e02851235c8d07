import assert from "node:assert/strict";
import { test } from "node:test";
import { inboxFilterValues, listHumanTasksPath, readInboxFilters } from "../web/lib/inbox-query.js";
import {
  definitionHref,
  humanTaskHref,
  inboxHref,
  parseRoute,
  runHref,
  runsHref,
  tasksHref,
} from "../web/lib/route.js";
import { filterValues, listRunsPath, readFilters } from "../web/lib/runs-query.js";
import { findSignalWait, isApprovalSignal } from "../web/lib/signal-wait.js";
import { listTasksPath, readTaskFilters, taskFilterValues } from "../web/lib/tasks-query.js";

test("run links encode any id, and read back to the same id", () => {
  for (const id of ["order-1", `"><img/src=x/onerror=alert(1)>`, "javascript:alert(1)", "a/b?c#d%e", "ünï"]) {
    const href = runHref(id);
    assert.match(href, /^#\/runs\/[A-Za-z0-9%._~!*'()-]+$/);
    assert.deepEqual(parseRoute(href), { name: "run", id });
  }
});

test("human task links encode any id, and read back to the same id", () => {
  for (const id of ["refund-7:2", `"><img/src=x/onerror=alert(1)>:0`, "javascript:alert(1):3", "a/b?c#d%e:1"]) {
    const href = humanTaskHref(id);
    assert.match(href, /^#\/inbox\/[A-Za-z0-9%._~!*'()-]+$/);
    assert.deepEqual(parseRoute(href), { name: "human-task", id });
  }
});

test("definition links encode any name and version, and read back to the same ones", () => {
  for (const name of ["refund", `"><img/src=x/onerror=alert(1)>`, "a/b?c#d%e&version=9"]) {
    assert.match(definitionHref(name), /^#\/definitions\/[A-Za-z0-9%._~!*'()-]+$/);
    assert.deepEqual(parseRoute(definitionHref(name)), { name: "definition", definition: name });
    assert.deepEqual(parseRoute(definitionHref(name, "2 & 3")), {
      name: "definition",
      definition: name,
      version: "2 & 3",
    });
  }
  assert.equal(parseRoute("#/definitions").name, "definitions");
  assert.equal(parseRoute("#/definitions/%E0%A4%A").name, "not-found");
});

test("routes", () => {
  assert.equal(parseRoute("").name, "runs");
  assert.equal(parseRoute("#/runs?status=failed").name, "runs");
  assert.equal(parseRoute("#/waiting").name, "waiting");
  assert.equal(parseRoute("#/workflows").name, "workflows");
  assert.equal(parseRoute("#/queues").name, "queues");
  assert.equal(parseRoute("#/schedules").name, "schedules");
  assert.equal(parseRoute("#/tasks?queue=media").name, "tasks");
  assert.equal(parseRoute("#/inbox?assignee=ada").name, "inbox");
  assert.equal(parseRoute("#/inbox/%E0%A4%A").name, "not-found");
  assert.equal(parseRoute("#/runs/%E0%A4%A").name, "not-found");
  assert.equal(parseRoute("#/elsewhere").name, "not-found");
});

test("filters read from the hash drop what is not valid, and ask the API for one page", () => {
  const filters = readFilters(
    new URLSearchParams("workflow=order&queue=emails&status=failed,bogus,waiting&range=1h&idContains=A-1&limit=7"),
  );
  assert.deepEqual(filters, {
    workflow: "order",
    queue: "emails",
    status: "failed,waiting",
    range: "1h",
    from: "",
    to: "",
    idContains: "A-1",
    scheduleId: "",
    limit: 50,
  });
  const anchor = Date.parse("2026-01-01T12:00:00.000Z");
  const path = listRunsPath(filters, "cursor/1", anchor);
  const query = new URL(path, "http://x").searchParams;
  assert.equal(query.get("workflow"), "order");
  assert.equal(query.get("queue"), "emails");
  assert.equal(query.get("status"), "failed,waiting");
  assert.equal(query.get("idContains"), "A-1");
  assert.equal(query.get("createdAfter"), "2026-01-01T11:00:00.000Z");
  assert.equal(query.get("limit"), "50");
  assert.equal(query.get("cursor"), "cursor/1");
  assert.equal(query.get("scheduleId"), null);
  const ofSchedule = readFilters(new URLSearchParams("scheduleId=nightly"));
  assert.equal(
    new URL(listRunsPath(ofSchedule, undefined, anchor), "http://x").searchParams.get("scheduleId"),
    "nightly",
  );
  assert.equal(runsHref(filterValues(ofSchedule)), "#/runs?scheduleId=nightly");
  assert.equal(
    runsHref(filterValues(filters)),
    "#/runs?workflow=order&queue=emails&status=failed%2Cwaiting&range=1h&idContains=A-1",
  );
});

test("task filters: the open tasks by default, any status on asking, and one page of the API oldest first", () => {
  const none = readTaskFilters(new URLSearchParams(""));
  assert.deepEqual(none, { queue: "", status: "queued,leased", runId: "" });
  assert.equal(tasksHref(taskFilterValues(none)), "#/tasks");
  const query = (path: string) => Object.fromEntries(new URL(path, "http://x").searchParams);
  assert.deepEqual(query(listTasksPath(none, undefined)), { status: "queued,leased", limit: "50" });

  const any = readTaskFilters(new URLSearchParams("status=any&runId=order-1"));
  assert.deepEqual(any, { queue: "", status: "", runId: "order-1" });
  assert.equal(tasksHref(taskFilterValues(any)), "#/tasks?status=any&runId=order-1");
  assert.deepEqual(query(listTasksPath(any, "c/1")), { runId: "order-1", limit: "50", cursor: "c/1" });

  const some = readTaskFilters(new URLSearchParams("queue=media&status=failed,bogus,leased"));
  assert.deepEqual(some, { queue: "media", status: "failed,leased", runId: "" });
  assert.equal(tasksHref(taskFilterValues(some)), "#/tasks?queue=media&status=failed%2Cleased");
  assert.equal(readTaskFilters(new URLSearchParams("status=bogus")).status, "queued,leased");
  assert.equal(tasksHref({ queue: `<img src=x>&x=1` }), "#/tasks?queue=%3Cimg+src%3Dx%3E%26x%3D1");
});

test("inbox filters: the open human tasks by default, every status named on asking for any", () => {
  const query = (path: string) => Object.fromEntries(new URL(path, "http://x").searchParams);
  const none = readInboxFilters(new URLSearchParams(""));
  assert.deepEqual(none, { status: "open", assignee: "", role: "", runId: "" });
  assert.equal(inboxHref(inboxFilterValues(none)), "#/inbox");
  assert.deepEqual(query(listHumanTasksPath(none, undefined)), { status: "open", limit: "50" });

  const any = readInboxFilters(new URLSearchParams("status=any&assignee=ada&role=finance&runId=r-1"));
  assert.deepEqual(any, { status: "", assignee: "ada", role: "finance", runId: "r-1" });
  assert.equal(inboxHref(inboxFilterValues(any)), "#/inbox?status=any&assignee=ada&role=finance&runId=r-1");
  assert.deepEqual(query(listHumanTasksPath(any, "c/1")), {
    status: "open,completed,rejected,timed_out,cancelled",
    assignee: "ada",
    role: "finance",
    runId: "r-1",
    limit: "50",
    cursor: "c/1",
  });
  const answered = readInboxFilters(new URLSearchParams("status=completed,bogus,rejected"));
  assert.equal(answered.status, "completed,rejected");
  assert.equal(inboxHref(inboxFilterValues(answered)), "#/inbox?status=completed%2Crejected");
  assert.equal(readInboxFilters(new URLSearchParams("status=bogus")).status, "open");
  assert.equal(inboxHref({ assignee: `<img src=x>&x=1` }), "#/inbox?assignee=%3Cimg+src%3Dx%3E%26x%3D1");
});

test("a custom range asks for runs created between two times", () => {
  const filters = readFilters(new URLSearchParams("range=custom&from=2026-01-01T10:00&to=2026-01-02T10:00&limit=1000"));
  const query = new URL(listRunsPath(filters, undefined, 0), "http://x").searchParams;
  assert.equal(query.get("createdAfter"), new Date("2026-01-01T10:00").toISOString());
  assert.equal(query.get("createdBefore"), new Date("2026-01-02T10:00").toISOString());
  assert.equal(query.get("limit"), "1000");
});

test("the signal a run waits for, and which are approvals", () => {
  const waiting = {
    status: "waiting" as const,
    steps: [
      {
        position: 0,
        kind: "signal" as const,
        name: "approve",
        status: "completed" as const,
        startedAt: "",
        attempts: [],
      },
      {
        position: 1,
        kind: "signal" as const,
        name: "manager-approval",
        status: "waiting" as const,
        startedAt: "",
        attempts: [],
      },
    ],
  };
  assert.equal(findSignalWait(waiting)?.position, 1);
  assert.equal(findSignalWait({ ...waiting, status: "running" }), undefined);
  assert.equal(isApprovalSignal("manager-approval"), true);
  assert.equal(isApprovalSignal("Approve"), true);
  assert.equal(isApprovalSignal("details"), false);
});
