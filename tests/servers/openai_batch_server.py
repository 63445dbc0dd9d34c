#!/usr/bin/env python3
"""A small OpenAI-compatible server: the Files, Batches and Chat Completions endpoints.

Run as its own process (the tests start it with ``subprocess`` on 127.0.0.1)::

    python tests/servers/openai_batch_server.py --port 0 --key sk-test [--faults JSON]

It prints the port it listens on as its first line of output, then serves:

    POST /v1/files                    multipart/form-data (``file``, ``purpose``) -> file object
    GET  /v1/files/{id}               the file object
    GET  /v1/files/{id}/content       the file's bytes (application/octet-stream)
    POST /v1/batches                  {input_file_id, endpoint, completion_window, metadata}
    GET  /v1/batches/{id}             the batch object; each poll moves it one state on:
                                      validating -> in_progress -> finalizing -> completed, or
                                      -> failed (invalid input lines, or the ``outcome`` knob),
                                      -> expired, -> cancelling -> cancelled
    POST /v1/batches/{id}/cancel      cancelling
    POST /v1/chat/completions         a chat completion

Shapes follow the API as recorded in genuine traffic (see ``../shared/openai-wire/``): error
envelopes ``{"error": {message, type, param, code}}``, the edge's plain-text 503, batch objects
with ``request_counts`` and ``errors``, output lines ``{id, custom_id, response: {status_code,
request_id, body}, error}``, error-file lines for failed requests (``response.status_code`` 500)
and for requests a batch never ran (``error.code`` ``batch_expired`` / ``batch_cancelled``).

Answers are deterministic, built from the request: the text between ``<abstract>`` tags is cut
into sentences, and each string property of the requested JSON schema (``response_format`` or
a forced tool) is filled from them. Nothing is random and nothing leaves 127.0.0.1.

Fault knobs, set with ``--faults JSON`` or ``POST /_control`` (JSON, merged; ``{"reset": true}``
restores the defaults); ``GET /_log`` lists the requests served ({method, path, step, status}):

    fail            {step: {"times": N (-1: always), "after": K, "status": 500|503|429|401|
                    400|404|0, "retry_after_ms": M}}: after K calls of the step succeed, the
                    next N fail; step is upload, create, poll, download or chat; status 0
                    drops the connection without an answer
    outcome         completed | failed | expired | cancelled (how every batch ends)
    answered        requests an expired or cancelled batch ran before it ended (default: half)
    error_lines     {line index: HTTP status} answered with that error, into the error file
    refuse_lines    [line index] answered with a refusal
    polls_per_state polls a batch stays in each state (default 1)
"""

from __future__ import annotations

import argparse
import copy
import email.parser
import email.policy
import hashlib
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

DEFAULTS: dict[str, Any] = {
    "fail": {}, "outcome": "completed", "answered": None, "error_lines": {},
    "refuse_lines": [], "polls_per_state": 1,
}
SNAPSHOTS = {"gpt-4o-mini": "gpt-4o-mini-2024-07-18", "gpt-4o": "gpt-4o-2024-08-06"}
EDGE_503 = ("upstream connect error or disconnect/reset before headers. reset reason: "
            "connection termination")
DAY = 86_400
REFUSAL = "I'm sorry, but I can't assist with that request."
LIMITATIONS = ("This summary is based on the abstract alone. The full paper may hold details "
               "that change how the results should be read, and the results may not apply to "
               "everyone.")
WHY = ("People living with this condition and those who care for them may want to know about "
       "this study.")


def _hex(*parts: object, n: int = 24) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:n]


def _error(message: str, type_: str, code: str | None, param: str | None = None) -> bytes:
    return json.dumps({"error": {"message": message, "type": type_, "param": param,
                                 "code": code}}, indent=2).encode()


def _fault_body(status: int) -> tuple[bytes, str]:
    """The body the real service sends with this status (the edge's 503 is plain text)."""
    if status == 503:
        return EDGE_503.encode(), "text/plain"
    if status >= 500:
        return _error("The server had an error while processing your request. Sorry about "
                      "that!", "server_error", None), "application/json"
    if status == 429:
        return _error("Rate limit reached for requests. Please try again in 1s.", "requests",
                      "rate_limit_exceeded"), "application/json"
    if status == 401:
        return _error("Incorrect API key provided.", "invalid_request_error",
                      "invalid_api_key"), "application/json"
    if status == 404:
        return _error("Not found.", "invalid_request_error", None), "application/json"
    return _error("Invalid request.", "invalid_request_error", None), "application/json"


# -- deterministic answers ---------------------------------------------------------------------

def _text_of(content: Any) -> str:
    if isinstance(content, list):
        return " ".join(part.get("text", "") for part in content if isinstance(part, dict))
    return str(content or "")


def _sentences(body: dict[str, Any]) -> list[str]:
    users = [m for m in body.get("messages", []) if m.get("role") == "user"]
    text = _text_of(users[-1].get("content")) if users else ""
    found = re.search(r"<abstract>(.*?)</abstract>", text, re.DOTALL)
    text = found.group(1) if found else text
    kept = [line for line in text.splitlines()
            if line.strip() and not re.match(r"\s*(Title|Journal|Authors?|Date|DOI):", line)]
    text = re.sub(r"\b[A-Z][A-Z ]{2,}:\s*", "", " ".join(kept))
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if s.strip()]


def _words(text: str) -> int:
    return len(text.split())


def _until(sentences: list[str], start: str, least: int, most: int) -> str:
    out = start
    for sentence in sentences:
        if _words(out) >= least or _words(out) + _words(sentence) > most:
            break
        out = f"{out} {sentence}".strip()
    return out


def summary_fields(body: dict[str, Any]) -> dict[str, str]:
    """Every string property of the requested schema, filled from the abstract's sentences."""
    sentences = _sentences(body) or ["The study reported its results in the abstract."]
    last = sentences[-2:] if len(sentences) > 1 else sentences
    headline_words = last[0].rstrip(".!?").split()[:20]
    while len(headline_words) < 5:
        headline_words.append("reported")
    standard = {
        "headline": " ".join(headline_words) + ".",
        "what_was_found": _until(sentences[1:] or sentences, "", 45, 150),
        "why_it_matters": _until(last + sentences, WHY, 35, 120),
        "limitations": LIMITATIONS,
    }
    schema = _schema(body)
    names = [k for k, v in (schema.get("properties") or {}).items()
             if (v or {}).get("type", "string") == "string"] or list(standard)
    return {name: standard.get(name, sentences[0]) for name in names}


def _schema(body: dict[str, Any]) -> dict[str, Any]:
    fmt = body.get("response_format") or {}
    if fmt.get("type") == "json_schema":
        return dict((fmt.get("json_schema") or {}).get("schema") or {})
    for tool in body.get("tools") or []:
        return dict((tool.get("function") or {}).get("parameters") or {})
    return {}


def completion(body: dict[str, Any], seed: str, refuse: bool = False) -> dict[str, Any]:
    """A chat.completion object as the API returns it, the same for the same request."""
    prompt = sum(_words(_text_of(m.get("content"))) for m in body.get("messages", []))
    message: dict[str, Any] = {"role": "assistant", "content": None, "refusal": None,
                               "annotations": []}
    if refuse:
        message["refusal"] = REFUSAL
        answer = REFUSAL
    else:
        answer = json.dumps(summary_fields(body), ensure_ascii=False)
        if body.get("tools"):
            name = body["tools"][0]["function"]["name"]
            message["tool_calls"] = [{"id": f"call_{_hex(seed, 'call')}", "type": "function",
                                      "function": {"name": name, "arguments": answer}}]
        else:
            message["content"] = answer
    prompt_tokens, completion_tokens = prompt * 4 // 3 + 40, _words(answer) * 4 // 3 + 5
    model = body.get("model") or "gpt-4o-mini"
    return {
        "id": f"chatcmpl-{_hex(seed, 'chat', n=29)}", "object": "chat.completion",
        "created": 1_763_801_000, "model": SNAPSHOTS.get(model, model),
        "choices": [{"index": 0, "message": message, "logprobs": None,
                     "finish_reason": "tool_calls" if message.get("tool_calls") else "stop"}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                  "total_tokens": prompt_tokens + completion_tokens,
                  "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
                  "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0,
                                                "accepted_prediction_tokens": 0,
                                                "rejected_prediction_tokens": 0}},
        "service_tier": "default", "system_fingerprint": "fp_560af6e559",
    }


# -- the service's state -----------------------------------------------------------------------

class Service:
    """Files, batches, knobs and the request log; one lock, as requests come in threads."""

    def __init__(self, key: str | None, knobs: dict[str, Any]) -> None:
        self.key = key
        self.lock = threading.Lock()
        self.knobs = {**copy.deepcopy(DEFAULTS), **knobs}
        self.failed: dict[str, int] = {}
        self.seen: dict[str, int] = {}
        self.files: dict[str, dict[str, Any]] = {}
        self.contents: dict[str, bytes] = {}
        self.batches: dict[str, dict[str, Any]] = {}
        self.log: list[dict[str, Any]] = []
        self.started = int(time.time())

    def control(self, update: dict[str, Any]) -> None:
        if update.pop("reset", False):
            self.knobs = copy.deepcopy(DEFAULTS)
            self.failed, self.seen = {}, {}
        self.knobs.update(update)
        if "fail" in update:
            self.failed, self.seen = {}, {}

    def fault(self, step: str) -> dict[str, Any] | None:
        """The fault to answer this call of ``step`` with, if the knobs ask for one."""
        rule = (self.knobs.get("fail") or {}).get(step)
        if not rule:
            return None
        seen = self.seen.get(step, 0)
        self.seen[step] = seen + 1
        if seen < int(rule.get("after", 0)):
            return None
        times = int(rule.get("times", 1))
        done = self.failed.get(step, 0)
        if times >= 0 and done >= times:
            return None
        self.failed[step] = done + 1
        return dict(rule)

    def add_file(self, data: bytes, filename: str, purpose: str) -> dict[str, Any]:
        file_id = f"file-{_hex('file', len(self.files), n=22)}"
        created = self.started + len(self.files)
        self.files[file_id] = {
            "object": "file", "id": file_id, "purpose": purpose, "filename": filename,
            "bytes": len(data), "created_at": created, "expires_at": created + 30 * DAY,
            "status": "processed", "status_details": None,
        }
        self.contents[file_id] = data
        return self.files[file_id]

    def create_batch(self, body: dict[str, Any]) -> tuple[int, bytes]:
        file_id = body.get("input_file_id")
        if file_id not in self.files:
            return 400, _error(f"Invalid 'input_file_id': '{file_id}'.", "invalid_request_error",
                               None, "input_file_id")
        if self.files[file_id]["purpose"] != "batch":
            return 400, _error("The input file must be uploaded with purpose 'batch'.",
                               "invalid_request_error", None, "input_file_id")
        if body.get("endpoint") not in ("/v1/chat/completions", "/v1/responses",
                                        "/v1/embeddings", "/v1/completions"):
            return 400, _error(f"Invalid value: '{body.get('endpoint')}'.",
                               "invalid_request_error", None, "endpoint")
        if body.get("completion_window") != "24h":
            return 400, _error("Invalid value for 'completion_window': only '24h' is supported.",
                               "invalid_request_error", None, "completion_window")
        batch_id = f"batch_{_hex('batch', len(self.batches), n=32)}"
        created = self.started + 100 + len(self.batches)
        requests, errors = _read_requests(self.contents[file_id], body["endpoint"])
        self.batches[batch_id] = {
            "object": {
                "id": batch_id, "object": "batch", "endpoint": body["endpoint"], "model": None,
                "errors": None, "input_file_id": file_id, "completion_window": "24h",
                "status": "validating", "output_file_id": None, "error_file_id": None,
                "created_at": created, "in_progress_at": None, "expires_at": created + DAY,
                "finalizing_at": None, "completed_at": None, "failed_at": None,
                "expired_at": None, "cancelling_at": None, "cancelled_at": None,
                "request_counts": {"total": 0, "completed": 0, "failed": 0},
                "usage": {"input_tokens": 0, "output_tokens": 0, "total_tokens": 0,
                          "input_tokens_details": {"cached_tokens": 0},
                          "output_tokens_details": {"reasoning_tokens": 0}},
                "metadata": body.get("metadata"),
            },
            "requests": requests, "invalid": errors, "polls": 0,
            "outcome": "failed" if errors else self.knobs["outcome"],
        }
        return 200, json.dumps(self.batches[batch_id]["object"], indent=2).encode()

    def poll(self, batch_id: str) -> dict[str, Any]:
        batch = self.batches[batch_id]
        batch["polls"] += 1
        path = {
            "completed": ["validating", "in_progress", "finalizing", "completed"],
            "expired": ["validating", "in_progress", "expired"],
            "cancelled": ["validating", "in_progress", "cancelling", "cancelled"],
            "failed": ["validating", "failed"],
        }[batch["outcome"]]
        if batch["object"]["status"] in ("cancelling", "cancelled"):
            path = ["cancelling", "cancelled"]
            batch["outcome"] = "cancelled"
        current = path.index(batch["object"]["status"]) if batch["object"]["status"] in path else 0
        stage = min(len(path) - 1, max(current, batch["polls"] // self.knobs["polls_per_state"]))
        self._move(batch, path[stage])
        found: dict[str, Any] = batch["object"]
        return found

    def _move(self, batch: dict[str, Any], status: str) -> None:
        obj = batch["object"]
        if obj["status"] == status:
            return
        now = obj["created_at"] + 5 * batch["polls"]
        obj["status"] = status
        obj[f"{status}_at"] = now
        total = len(batch["requests"])
        if status == "in_progress":
            obj["request_counts"] = {"total": total, "completed": total // 2, "failed": 0}
        elif status == "failed":
            obj["errors"] = {"object": "list", "data": batch["invalid"] or [
                {"code": "batch_failed", "line": None, "param": None,
                 "message": "The batch could not be processed."}]}
        elif status == "finalizing":
            obj["request_counts"] = {"total": total, "completed": total, "failed": 0}
        elif status in ("completed", "expired", "cancelled"):
            self._finish(batch)

    def _finish(self, batch: dict[str, Any]) -> None:
        """Write the output and error files once, as the batch reaches an end state."""
        obj = batch["object"]
        if batch.get("finished"):
            return
        batch["finished"] = True
        outcome = batch["outcome"]
        requests = batch["requests"]
        answered = len(requests)
        if outcome in ("expired", "cancelled"):
            answered = self.knobs["answered"]
            answered = len(requests) // 2 if answered is None else int(answered)
        errors_at = {int(k): int(v) for k, v in (self.knobs["error_lines"] or {}).items()}
        refuse = {int(i) for i in self.knobs["refuse_lines"] or []}
        output, errors, counts = [], [], {"total": len(requests), "completed": 0, "failed": 0}
        for index, request in enumerate(requests):
            line_id = f"batch_req_{_hex(obj['id'], index, n=16)}"
            cid = request["custom_id"]
            if index >= answered:
                code = "batch_expired" if outcome == "expired" else "batch_cancelled"
                text = ("This request could not be executed before the completion window "
                        "expired." if outcome == "expired" else
                        "This request was not executed because the batch was cancelled.")
                errors.append({"id": line_id, "custom_id": cid, "response": None,
                               "error": {"code": code, "message": text}})
                continue
            request_id = _hex(obj["id"], index, "request", n=32)
            if index in errors_at:
                status = errors_at[index]
                body = json.loads(_error(
                    "The server had an error while processing your request. Sorry about that!",
                    "server_error", None) if status >= 500 else _fault_body(status)[0])
                errors.append({"id": line_id, "custom_id": cid, "response": {
                    "status_code": status, "request_id": request_id, "body": body},
                    "error": None})
                counts["failed"] += 1
                continue
            output.append({"id": line_id, "custom_id": cid, "response": {
                "status_code": 200, "request_id": request_id,
                "body": completion(request["body"], f"{obj['id']}-{index}", index in refuse)},
                "error": None})
            counts["completed"] += 1
        for kind, lines in (("output", output), ("error", errors)):
            if lines:
                data = "".join(json.dumps(line) + "\n" for line in lines).encode()
                made = self.add_file(data, f"batch_{obj['id']}_{kind}.jsonl", f"batch_{kind}")
                obj[f"{kind}_file_id"] = made["id"]
        obj["request_counts"] = counts


def _read_requests(data: bytes, endpoint: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The input file's requests, and the validation errors the API would fail the batch for."""
    requests: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    seen: set[str] = set()
    for number, raw in enumerate(data.decode("utf-8", "replace").splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            line = json.loads(raw)
        except ValueError:
            errors.append({"code": "invalid_json_line", "line": number, "param": None,
                           "message": "This line is not parseable as valid JSON."})
            continue
        cid = line.get("custom_id")
        if not isinstance(cid, str) or not cid:
            errors.append({"code": "missing_required_parameter", "line": number,
                           "param": "custom_id", "message": "Missing 'custom_id'."})
        elif cid in seen:
            errors.append({"code": "duplicate_custom_id", "line": number, "param": "custom_id",
                           "message": "The custom_id for this request is a duplicate of "
                                      "another request."})
        elif line.get("method") != "POST" or line.get("url") != endpoint:
            errors.append({"code": "invalid_url", "line": number, "param": "url",
                           "message": f"The URL provided for this request does not match the "
                                      f"batch endpoint {endpoint}."})
        elif not isinstance(line.get("body"), dict) or not line["body"].get("model"):
            errors.append({"code": "missing_required_parameter", "line": number,
                           "param": "body.model", "message": "Missing 'model' in the body."})
        else:
            seen.add(cid)
            requests.append(line)
    if not requests and not errors:
        errors.append({"code": "empty_file", "line": None, "param": None,
                       "message": "The input file is empty."})
    return requests, errors


# -- HTTP ----------------------------------------------------------------------------------------

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        pass  # the request log is /_log

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        self._serve("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._serve("POST")

    def _serve(self, method: str) -> None:
        service = self.server.service
        path = self.path.split("?", 1)[0]
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        if path == "/_control" and method == "POST":
            with service.lock:
                service.control(json.loads(raw or b"{}"))
            return self._send(200, b"{}")
        if path == "/_log":
            with service.lock:
                return self._send(200, json.dumps(service.log).encode())
        step, route = _route(method, path)
        with service.lock:
            status, body, kind, headers = self._answer(service, step, route, method, raw)
            service.log.append({"method": method, "path": path, "step": step, "status": status})
        if status == 0:
            self.close_connection = True  # dropped: no answer at all
            return
        self._send(status, body, kind, headers)

    def _answer(self, service: Service, step: str | None, route: dict[str, str], method: str,
                raw: bytes) -> tuple[int, bytes, str, dict[str, str]]:
        json_type = "application/json"
        if step is None:
            return 404, _error(f"Invalid URL ({method} {self.path})", "invalid_request_error",
                               None), json_type, {}
        auth = self.headers.get("authorization") or ""
        key = auth.removeprefix("Bearer ").strip()
        if not auth.startswith("Bearer ") or not key or (service.key and key != service.key):
            return 401, _error("Incorrect API key provided.", "invalid_request_error",
                               "invalid_api_key"), "application/json; charset=utf-8", {}
        fault = service.fault(step)
        if fault is not None:
            status = int(fault.get("status", 500))
            body, kind = _fault_body(status) if status else (b"", "text/plain")
            headers = {}
            if fault.get("retry_after_ms") is not None:
                headers["retry-after-ms"] = str(fault["retry_after_ms"])
            return status, body, kind, headers
        if step == "upload":
            return self._upload(service, raw)
        if step == "create":
            try:
                status, body = service.create_batch(json.loads(raw or b"{}"))
            except ValueError:
                return 400, _error("We could not parse the JSON body of your request.",
                                   "invalid_request_error", None), json_type, {}
            return status, body, json_type, {}
        if step == "chat":
            request = json.loads(raw or b"{}")
            return 200, json.dumps(completion(request, _hex(raw))).encode(), json_type, {}
        if "batch_id" in route:
            if route["batch_id"] not in service.batches:
                return 404, _error(f"No batch found with id '{route['batch_id']}'.",
                                   "invalid_request_error", None), json_type, {}
            if step == "cancel":
                batch = service.batches[route["batch_id"]]
                if batch["object"]["status"] not in ("completed", "failed", "expired",
                                                     "cancelled"):
                    batch["object"]["status"] = "cancelling"
                    batch["object"]["cancelling_at"] = batch["object"]["created_at"] + 1
                return 200, json.dumps(batch["object"]).encode(), json_type, {}
            return 200, json.dumps(service.poll(route["batch_id"]), indent=2).encode(), \
                json_type, {}
        file_id = route["file_id"]
        if file_id not in service.files:
            return 404, _error(f"No such File object: {file_id}", "invalid_request_error",
                               None, "id"), json_type, {}
        if step == "download":
            name = service.files[file_id]["filename"]
            return 200, service.contents[file_id], "application/octet-stream", {
                "content-disposition": f'attachment; filename="{name}"'}
        return 200, json.dumps(service.files[file_id]).encode(), json_type, {}

    def _upload(self, service: Service, raw: bytes) -> tuple[int, bytes, str, dict[str, str]]:
        ctype = self.headers.get("content-type") or ""
        json_type = "application/json"
        if not ctype.startswith("multipart/form-data"):
            return 400, _error("The request must be multipart/form-data.",
                               "invalid_request_error", None), json_type, {}
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            f"Content-Type: {ctype}\r\n\r\n".encode() + raw)
        fields: dict[str, tuple[str | None, bytes]] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True)
            if isinstance(name, str):
                fields[name] = (part.get_filename(), payload if isinstance(payload, bytes)
                                else b"")
        if "file" not in fields or fields["file"][0] is None:
            return 400, _error("Missing required parameter: 'file'.", "invalid_request_error",
                               None, "file"), json_type, {}
        purpose = fields.get("purpose", (None, b""))[1].decode()
        if purpose not in ("batch", "assistants", "fine-tune", "vision", "user_data", "evals"):
            return 400, _error(f"Invalid value for 'purpose': '{purpose}'.",
                               "invalid_request_error", None, "purpose"), json_type, {}
        filename, data = fields["file"]
        made = service.add_file(data, filename or "upload", purpose)
        return 200, json.dumps(made, indent=2).encode(), json_type, {}

    def _send(self, status: int, body: bytes, kind: str = "application/json",
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("content-type", kind)
        self.send_header("content-length", str(len(body)))
        self.send_header("openai-version", "2020-10-01")
        if kind.startswith("application/json") and status != 401:
            self.send_header("x-request-id", f"req_{_hex(time.monotonic_ns(), n=32)}")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


def _route(method: str, path: str) -> tuple[str | None, dict[str, str]]:
    """Which step a request is (upload, create, poll, cancel, file, download, chat)."""
    if method == "POST" and path == "/v1/files":
        return "upload", {}
    if method == "POST" and path == "/v1/batches":
        return "create", {}
    if method == "POST" and path == "/v1/chat/completions":
        return "chat", {}
    if found := re.fullmatch(r"/v1/batches/([\w-]+)", path):
        return ("poll", {"batch_id": found.group(1)}) if method == "GET" else (None, {})
    if (found := re.fullmatch(r"/v1/batches/([\w-]+)/cancel", path)) and method == "POST":
        return "cancel", {"batch_id": found.group(1)}
    if (found := re.fullmatch(r"/v1/files/([\w-]+)/content", path)) and method == "GET":
        return "download", {"file_id": found.group(1)}
    if (found := re.fullmatch(r"/v1/files/([\w-]+)", path)) and method == "GET":
        return "file", {"file_id": found.group(1)}
    return None, {}


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], service: Service) -> None:
        super().__init__(address, Handler)
        self.service = service


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--key", default=None, help="the only API key accepted (default: any)")
    parser.add_argument("--faults", default="{}", help="initial fault knobs, as JSON")
    args = parser.parse_args(argv)
    server = Server((args.host, args.port), Service(args.key, json.loads(args.faults)))
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever(poll_interval=0.1)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
