#!/usr/bin/env python3
"""Checks the running server against its OpenAPI document with Schemathesis (every check).

    python3 scripts/schemathesis/run.py [more schemathesis options]

Needs the built server (`npm run build`) and the packages of requirements.txt. Starts
`node server/dist/main.js` on 127.0.0.1 and a free port, creates what the document's examples
name (a tenant with an app, the users alice, bob and carol, the group `team`, a message) plus a
second tenant for the console routes, so that Schemathesis can neither delete nor re-key the app
it signs with, runs `schemathesis run` with hooks.py, and stops the server. The exit status is
Schemathesis's; the server's log is printed when something fails.
"""
import json
import os
import pathlib
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.dont_write_bytecode = True  # no __pycache__ left in docs/examples
sys.path.insert(0, str(ROOT / "docs" / "examples"))
import sign as signer  # noqa: E402  (the documented Python signer)

# Bounded so the step stays within a few minutes; one worker, as several trip an error inside
# Hypothesis on Python 3.11.
SCHEMATHESIS_OPTIONS = ["--checks", "all", "--max-examples", "30", "--workers", "1", "--generation-database", "none"]
STARTUP_SECONDS = 30


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def call(base, method, path, body=None, headers=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        base + path,
        data=data,
        method=method,
        headers={**({"content-type": "application/json"} if data is not None else {}), **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)["data"]
    except urllib.error.HTTPError as error:
        raise SystemExit("setup: %s %s answered %d: %s" % (method, path, error.code, error.read().decode()))


def signed(base, app, path, fields):
    params = {**fields, "app_id": app["appId"], "time_stamp": str(int(time.time())), "nonce_str": secrets.token_hex(12)}
    params["sign"] = signer.sign(params, app["appSecret"])
    return call(base, "POST", path, params)


CONSOLE_PASSWORD = "correct horse battery staple"

# A 2 × 2 PNG: a real image, so that the file routes are tested on a file that exists.
PICTURE = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000002000000020802000000fdd49a73"
    "0000001049444154789c63f8cfc000440c100a001fee03fd8b5f14d40000000049"
    "454e44ae426082"
)


def upload(base, app):
    """POST /file/upload as the app's backend: a signed query, the file as multipart field up_file."""
    params = {"app_id": app["appId"], "time_stamp": str(int(time.time())), "nonce_str": secrets.token_hex(12)}
    params["sign"] = signer.sign(params, app["appSecret"])
    boundary = secrets.token_hex(16)
    body = (
        ("--%s\r\nContent-Disposition: form-data; name=\"up_file\"; filename=\"dot.png\"\r\nContent-Type: image/png\r\n\r\n" % boundary).encode()
        + PICTURE
        + ("\r\n--%s--\r\n" % boundary).encode()
    )
    request = urllib.request.Request(
        base + "/file/upload?" + urllib.parse.urlencode(params),
        data=body,
        method="POST",
        headers={"content-type": "multipart/form-data; boundary=%s" % boundary},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)["data"]
    except urllib.error.HTTPError as error:
        raise SystemExit("setup: POST /file/upload answered %d: %s" % (error.code, error.read().decode()))


def console_tenant(base, name):
    email = "%s-%s@example.com" % (name, secrets.token_hex(4))
    token = call(base, "POST", "/console/signup", {"email": email, "password": CONSOLE_PASSWORD})["token"]
    return {"authorization": "Bearer %s" % token}, token, email


def wait_until_healthy(base, server, log):
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("the server exited with %d:\n%s" % (server.returncode, log.read_text()))
        try:
            with urllib.request.urlopen(base + "/health", timeout=1) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.1)  # poll interval while the server starts, not a wait for an outcome
    raise SystemExit("the server did not answer /health within %d s:\n%s" % (STARTUP_SECONDS, log.read_text()))


def prepare(base):
    """What the examples name, and the credentials the hooks use."""
    signer_auth, _, _ = console_tenant(base, "schemathesis-signer")
    app = call(base, "POST", "/app/create", {"appName": "Schemathesis", "description": "signed routes"}, signer_auth)
    for user in ("alice", "bob", "carol"):
        signed(base, app, "/user/getToken", {"userId": user, "name": user.capitalize()})
    signed(base, app, "/group/create", {"groupId": "team", "userIds": ["alice", "bob"], "name": "Team"})
    signed(base, app, "/private/send/message", {"senderUserId": "alice", "targetId": "bob", "messageType": 1, "content": {"content": "Hello Bob"}})
    picture = upload(base, app)
    # The console routes act for another tenant: whatever they change or delete is not the app above.
    console_auth, console_token, console_email = console_tenant(base, "schemathesis-console")
    call(base, "POST", "/app/create", {"appName": "Console", "description": "console routes"}, console_auth)
    return {
        "PARLEY_APP_ID": app["appId"],
        "PARLEY_APP_SECRET": app["appSecret"],
        "PARLEY_FILE_ID": picture["fileId"],
        "PARLEY_CONSOLE_TOKEN": console_token,
        "PARLEY_CONSOLE_EMAIL": console_email,
        "PARLEY_CONSOLE_PASSWORD": CONSOLE_PASSWORD,
        "PARLEY_BASE_URL": base,
    }


def main():
    if not (ROOT / "server" / "dist" / "main.js").exists():
        raise SystemExit("server/dist/main.js is missing: run `npm run build` first")
    port = free_port()
    base = "http://127.0.0.1:%d" % port
    # The limits are raised so that Schemathesis explores the routes instead of the rate limiter
    # (its thousands of sign-ups and app creations would otherwise be refused after the first few).
    limits = {"CONSOLE_AUTH_PER_IP": "100000", "CONSOLE_AUTH_PER_EMAIL": "100000", "MAX_APPS_PER_TENANT": "10000"}
    env = {**os.environ, "PORT": str(port), "HOST": "127.0.0.1", "PASSWORD_SCRYPT_COST": "16384", "LOG_LEVEL": "warn", **limits}
    with tempfile.TemporaryDirectory() as scratch:
        # The default store (SQLite), in a data directory of this run's own.
        env["DATA_DIR"] = str(pathlib.Path(scratch) / "data")
        log = pathlib.Path(scratch) / "server.log"
        with log.open("w") as out:
            server = subprocess.Popen(["node", "server/dist/main.js"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            wait_until_healthy(base, server, log)
            credentials = prepare(base)
            # The same interpreter that has the packages of requirements.txt, whatever is on PATH.
            command = [sys.executable, "-m", "schemathesis.cli", "run", base + "/openapi.json", "--url", base, *SCHEMATHESIS_OPTIONS, *sys.argv[1:]]
            print("$ schemathesis " + " ".join(command[3:]), flush=True)
            result = subprocess.run(
                command,
                cwd=scratch,  # Schemathesis keeps a cache (.schemathesis/) in its working directory
                env={**os.environ, **credentials, "SCHEMATHESIS_HOOKS": str(HERE / "hooks.py"), "PYTHONDONTWRITEBYTECODE": "1"},
                stdin=subprocess.DEVNULL,
            )
            if result.returncode != 0:
                print("--- server log ---\n" + log.read_text(), flush=True)
            return result.returncode
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()


if __name__ == "__main__":
    sys.exit(main())
