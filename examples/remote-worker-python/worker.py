#!/usr/bin/env python3
"""A Baton task worker in Python, on the standard library alone.

It long-polls the task queue "python" of a Baton server over HTTP
(POST /api/tasks/poll), runs each task's handler in a thread of its own,
sends heartbeats while a handler works (about every third of the task's
heartbeat timeout), and reports the outcome (complete, or fail). An answer
409 or 404 to a heartbeat or a report means the attempt is no longer this
worker's (its lease lapsed and another attempt began, or the run finished):
the task is dropped, and nothing more is sent for it.

    BATON_WORKER_TOKEN=wk-secret python3 worker.py --url http://127.0.0.1:7700

SIGINT or SIGTERM stops polling and waits for the handlers in flight.
Handlers are plain functions `handler(input, task) -> output` (JSON in, JSON
out); `HANDLERS` maps task names to them. Raise `FatalError` for a failure
that no retry can fix.
"""

import argparse
import json
import os
import re
import signal
import socket
import threading
import time
import traceback
import unicodedata
import urllib.error
import urllib.request
from collections import Counter


class FatalError(Exception):
    """A failure that no other attempt can fix: reported with retryable false."""


class ApiError(Exception):
    """An answer of the API other than 2xx."""

    def __init__(self, status, code, message):
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code


class Client:
    """The task routes of a Baton server, with a bearer token."""

    def __init__(self, url, token):
        self.url = url.rstrip("/")
        self.token = token

    def post(self, path, body, timeout=30):
        headers = {"content-type": "application/json", "accept": "application/json"}
        if self.token:
            headers["authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(
            self.url + path, data=json.dumps(body).encode(), headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            try:
                detail = json.loads(error.read()).get("error", {})
            except ValueError:
                detail = {}
            raise ApiError(error.code, detail.get("code", f"HTTP_{error.code}"), detail.get("message", error.reason))


def is_transient(error):
    """True when the same call may work later: the network, a timeout, 408, 429 or 5xx."""
    if isinstance(error, ApiError):
        return error.status in (408, 429) or error.status >= 500
    return isinstance(error, (OSError, ValueError))


class Task:
    """One leased attempt, as its handler sees it."""

    def __init__(self, client, leased, log):
        self.client = client
        self.log = log
        self.token = leased["token"]
        self.id = leased["id"]
        self.name = leased["name"]
        self.run_id = leased["runId"]
        self.attempt = leased["attempt"]
        self.input = leased.get("input")
        self.heartbeat_timeout_ms = leased.get("heartbeatTimeoutMs")
        # Set when the handler should stop: the lease is lost or the run asked to cancel.
        self.cancelled = threading.Event()
        self.lost = False
        self.details = None

    def heartbeat(self, details=None):
        """Tells the server the attempt is alive (with progress details, kept on the task)."""
        if details is not None:
            self.details = details
        body = {} if self.details is None else {"details": self.details}
        try:
            answer = self.client.post(f"/api/tasks/{self.token}/heartbeat", body)
            if answer.get("cancelRequested"):
                self.cancelled.set()
        except ApiError as error:
            if error.status in (404, 409):
                self.drop(error)
            else:
                self.log(f"{self.id}: heartbeat failed: {error}")
        except OSError as error:
            self.log(f"{self.id}: heartbeat failed: {error}")

    def drop(self, error):
        """The attempt is no longer this worker's: stop the handler, send nothing more."""
        if not self.lost:
            self.log(f"{self.id} attempt {self.attempt}: dropped ({error.code})")
        self.lost = True
        self.cancelled.set()

    def report(self, what, body):
        """Completes or fails the attempt, trying again on the network for about 30 s."""
        delay = 0.1
        deadline = time.monotonic() + 30
        while not self.lost:
            try:
                self.client.post(f"/api/tasks/{self.token}/{what}", body)
                return True
            except (ApiError, OSError) as error:
                if isinstance(error, ApiError) and error.status in (404, 409):
                    self.drop(error)
                elif not is_transient(error) or time.monotonic() + delay > deadline:
                    self.log(f"{self.id}: could not {what}: {error}")
                    return False
                else:
                    time.sleep(delay)
                    delay = min(delay * 2, 5)
        return False


def run_task(task, handlers):
    """Runs a handler with heartbeats, then reports what came of it."""
    done = threading.Event()
    if task.heartbeat_timeout_ms:
        interval = max(task.heartbeat_timeout_ms / 3000, 0.01)

        def beat():
            while not done.wait(interval) and not task.lost:
                task.heartbeat()

        threading.Thread(target=beat, daemon=True).start()
    try:
        handler = handlers.get(task.name)
        if handler is None:
            raise FatalError(f'no handler for task "{task.name}" (this worker handles {", ".join(handlers)})')
        output = handler(task.input, task)
        done.set()
        if task.report("complete", {"output": output}):
            task.log(f"{task.id} attempt {task.attempt}: completed")
    except Exception as error:  # noqa: BLE001 - every failure is reported
        done.set()
        # Not retried: a FatalError, or any failure once the run asked to cancel.
        retryable = not isinstance(error, FatalError) and not task.cancelled.is_set()
        failure = {
            "error": {"name": type(error).__name__, "message": str(error), "stack": traceback.format_exc()[-8000:]},
            "retryable": retryable,
        }
        if task.report("fail", failure):
            task.log(f"{task.id} attempt {task.attempt}: failed ({type(error).__name__}: {error})")


STOP_WORDS = set("a an and are as at be but by for from has have in is it its of on or that the this to was were with".split())


def slugify(text):
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def analyze_text(post, task):
    """Task "analyze-text": {title, text} -> the post's slug, word and sentence counts, reading time, keywords."""
    if not isinstance(post, dict) or not isinstance(post.get("text"), str) or not isinstance(post.get("title"), str):
        raise FatalError("expected an input {title, text} of strings")
    counts = Counter()
    words = sentences = 0
    for paragraph in post["text"].split("\n\n"):
        if task.cancelled.is_set():
            raise RuntimeError("stopped: the run asked to cancel, or the lease was lost")
        tokens = re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)?", paragraph.lower())
        words += len(tokens)
        sentences += len(re.findall(r"[.!?]+(?:\s|$)", paragraph.strip() + " ")) if paragraph.strip() else 0
        counts.update(t for t in tokens if t not in STOP_WORDS and len(t) > 2)
    return {
        "slug": slugify(post["title"]),
        "words": words,
        "sentences": sentences,
        "readingMinutes": max(1, round(words / 200)),
        "keywords": [word for word, _ in counts.most_common(3)],
    }


HANDLERS = {"analyze-text": analyze_text}


def main(handlers=HANDLERS):
    parser = argparse.ArgumentParser(description="A Baton task worker in Python")
    parser.add_argument("--url", default=os.environ.get("BATON_URL", "http://127.0.0.1:7700"))
    parser.add_argument("--queue", action="append", help='task queue to poll (repeatable); default "python"')
    parser.add_argument("--worker-id", default=f"{socket.gethostname()}:{os.getpid()}:py")
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    client = Client(args.url, os.environ.get("BATON_WORKER_TOKEN"))
    queues = args.queue or ["python"]
    slots = threading.BoundedSemaphore(args.concurrency)
    stopping = threading.Event()
    # Guards `stopping` and `running` together: a task either starts before the stop, or is handed back.
    lock = threading.Lock()
    running = set()

    def log(message):
        print(f"[{args.worker_id}] {message}", flush=True)

    def run(task):
        try:
            run_task(task, handlers)
        finally:
            with lock:
                running.discard(threading.current_thread())
            slots.release()

    def poll():
        failures = 0
        while not stopping.is_set():
            slots.acquire()
            free = 1
            while free < 100 and slots.acquire(blocking=False):
                free += 1
            try:
                body = {"workerId": args.worker_id, "queues": queues, "max": free, "waitMs": 20000}
                leased = client.post("/api/tasks/poll", body, timeout=50)["tasks"]
                failures = 0
            except (ApiError, OSError, ValueError) as error:
                leased = []
                failures += 1
                if failures == 1:
                    log(f"could not poll: {error}; trying again")
                time.sleep(min(0.1 * 2 ** min(failures - 1, 7), 10))
            for _ in range(free - len(leased)):
                slots.release()
            for item in leased:
                task = Task(client, item, log)
                with lock:
                    if not stopping.is_set():
                        log(f"{task.id} attempt {task.attempt}: {task.name}")
                        thread = threading.Thread(target=run, args=(task,))
                        running.add(thread)
                        thread.start()
                        continue
                # Polled as the worker stopped: handed back at once for another worker.
                task.report("fail", {"error": {"message": "the task worker stopped"}, "retryAfterMs": 0})
                slots.release()

    def stop(signum, _frame):
        log(f"{signal.Signals(signum).name}: stopping")
        stopping.set()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    log(f"polling {', '.join(queues)} at {args.url}")
    threading.Thread(target=poll, daemon=True).start()
    while not stopping.wait(1):
        pass
    with lock:
        in_flight = list(running)
    for thread in in_flight:
        thread.join()
    log("stopped")


if __name__ == "__main__":
    main()
