"""Schemathesis hooks for the Parley API; scripts/schemathesis/run.py loads them.

Signed routes (security scheme `appSignature`) carry app_id, time_stamp, nonce_str and sign in
the query string. The auth provider signs a case when Schemathesis generates it, over exactly
what will be sent, with a fresh time_stamp and nonce; Schemathesis records credentials set
there as the case's starting point, so it keeps judging the case by the values it generated
(and can strip `sign` to check that unsigned requests are refused). A case sent a second time
(a replay) is signed again in `before_call`: a nonce is good for one request only.
Console routes (`consoleToken`) get `Authorization: Bearer <token>`.

Form bodies: the document declares arrays and objects in form fields as JSON text (`encoding`
with `contentType: application/json`), which Schemathesis does not apply to form bodies (it
sends `userIds=a&userIds=b`). The serializer below encodes every form body as documented,
arrays and objects as canonical JSON text (also for the requests Schemathesis derives from a
case, such as the same request without credentials); the signature covers that text.

Logging out and changing the password revoke console tokens: logout gets a token of its own,
from a fresh login, so that the shared one keeps working for the other routes; a password change
runs as a throwaway account made for it, and a generated `currentPassword` that the schema
accepts is replaced by that account's password, so the route is exercised past its check.

Environment: PARLEY_APP_ID, PARLEY_APP_SECRET (an app whose users alice, bob, carol and group
`team` exist), PARLEY_FILE_ID (an image that app uploaded), PARLEY_CONSOLE_TOKEN (a tenant's console token), PARLEY_CONSOLE_EMAIL and
PARLEY_CONSOLE_PASSWORD (that tenant's login) and PARLEY_BASE_URL.
"""
import importlib.util
import json
import os
import pathlib
import re
import secrets
import time
import urllib.parse
import urllib.request

import schemathesis

_SIGNER = pathlib.Path(__file__).resolve().parents[2] / "docs" / "examples" / "sign.py"
_spec = importlib.util.spec_from_file_location("parley_sign", _SIGNER)
signer = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(signer)

APP_ID = os.environ["PARLEY_APP_ID"]
APP_SECRET = os.environ["PARLEY_APP_SECRET"]
CONSOLE_TOKEN = os.environ["PARLEY_CONSOLE_TOKEN"]
CONSOLE_EMAIL = os.environ["PARLEY_CONSOLE_EMAIL"]
CONSOLE_PASSWORD = os.environ["PARLEY_CONSOLE_PASSWORD"]
BASE_URL = os.environ["PARLEY_BASE_URL"]
FILE_ID = os.environ["PARLEY_FILE_ID"]
LOGOUT_PATH = "/console/logout"
PASSWORD_PATH = "/console/password"

SIGNATURE_SCHEME = "appSignature"
CONSOLE_SCHEME = "consoleToken"
SIGNATURE_PARAMS = ("app_id", "time_stamp", "nonce_str", "sign")


def schemes(operation):
    """Names of the security schemes an operation requires."""
    return {name for requirement in operation.definition.raw.get("security", []) for name in requirement}


def console_token(path, email, password):
    body = json.dumps({"email": email, "password": password}).encode()
    request = urllib.request.Request(BASE_URL + path, data=body, method="POST", headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)["data"]["token"]


def fresh_console_token():
    return console_token("/console/login", CONSOLE_EMAIL, CONSOLE_PASSWORD)


def throwaway_account_token():
    return console_token("/console/signup", "throwaway-%s@example.com" % secrets.token_hex(8), CONSOLE_PASSWORD)


def form_text(value):
    """A form field's text, as a client following the signature guide sends it."""
    if isinstance(value, str):
        return value
    if value is None:
        return "null"
    if isinstance(value, (bool, int, float)):
        return signer.value_to_string(value)
    return signer.canonical_json(value)


def form_fields(body):
    return {str(key): form_text(value) for key, value in body.items()}


@schemathesis.serializer("application/x-www-form-urlencoded")
def form_serializer(ctx, value):
    body = ctx.case.body
    if isinstance(body, dict):
        return urllib.parse.urlencode(form_fields(body)).encode("ascii")
    # Not an object (a negative case): sent as Schemathesis would send it.
    if isinstance(value, bytes) or value is None:
        return value
    return value.encode("utf-8") if isinstance(value, str) else json.dumps(value).encode("utf-8")


def sign_case(case):
    """Puts fresh credentials and the signature of what will be sent into the case's query."""
    query = case.query
    body = case.body
    if isinstance(body, dict) and case.media_type and "x-www-form-urlencoded" in case.media_type:
        body = form_fields(body)  # the text form_serializer sends
    credentials = {"app_id": APP_ID, "time_stamp": str(int(time.time())), "nonce_str": secrets.token_hex(12)}
    signed = {name: value for name, value in query.items() if name not in SIGNATURE_PARAMS}
    signed.update(credentials)
    if isinstance(body, dict):
        signed.update(body)
    query.update(credentials)
    query["sign"] = signer.sign(signed, APP_SECRET)


# Credentials are placed per case (no caching) and a 401 is an answer to check, not a reason to log in again.
@schemathesis.auth(refresh_interval=None, retry_on=[])
class ParleyAuth:
    def get(self, case, ctx):
        required = schemes(ctx.operation)
        if SIGNATURE_SCHEME in required:
            return SIGNATURE_SCHEME
        if CONSOLE_SCHEME in required:
            if ctx.operation.path == LOGOUT_PATH:
                return fresh_console_token()
            if ctx.operation.path == PASSWORD_PATH:
                return throwaway_account_token()
            return CONSOLE_TOKEN
        return None

    def set(self, case, data, ctx):
        if data == SIGNATURE_SCHEME:
            if not isinstance(case.query, dict):
                case.query = {}
            sign_case(case)
        else:
            case.headers = {**(case.headers or {}), "Authorization": "Bearer %s" % data}


_sent_nonces = set()


def use_throwaway_password(case):
    """A password change with a `currentPassword` the schema accepts checks it against the throwaway account's."""
    body = case.body
    if case.operation.path != PASSWORD_PATH or not isinstance(body, dict):
        return
    current = body.get("currentPassword")
    if isinstance(current, str) and 1 <= len(current) <= 128:
        body["currentPassword"] = CONSOLE_PASSWORD


@schemathesis.hook
def before_call(context, case, kwargs):
    use_throwaway_password(case)
    query = case.query
    # Only cases the provider signed: credentials Schemathesis removed or made up on purpose stay as they are.
    if not isinstance(query, dict) or "nonce_str" not in query or "sign" not in query:
        return
    if SIGNATURE_SCHEME not in schemes(case.operation):
        return
    if query["nonce_str"] in _sent_nonces:
        sign_case(case)
    _sent_nonces.add(query["nonce_str"])


@schemathesis.hook
def map_path_parameters(ctx, path_parameters):
    """File routes: about half of the cases name the app's real image (chosen by the drawn id, so a
    case replays the same), the rest stay random and are answered 404."""
    operation = getattr(ctx, "operation", None)
    if not path_parameters or operation is None or not operation.path.startswith("/files/"):
        return path_parameters
    drawn = str(path_parameters.get("fileId", ""))
    drawn_app = str(path_parameters.get("appId", ""))
    # Only cases whose ids are valid are pointed at the real file: a case meant to be refused stays so.
    if re.fullmatch(r"[0-9a-f]{32}", drawn) and re.fullmatch(r"[0-9a-f]{16}", drawn_app) and drawn[:1] in "02468ace":
        return {**path_parameters, "appId": APP_ID, "fileId": FILE_ID}
    return path_parameters
