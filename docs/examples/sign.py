"""Parley open-API request signing in Python 3 (standard library only).

    sign(params, app_secret) -> uppercase hex MD5

Run `python3 sign.py path/to/signature-vectors.json` to check it against the shared vectors.
"""
import hashlib
import json
import sys
import urllib.parse


def canonical_json(value):
    # Sorted keys, no whitespace, non-ASCII kept as is: RFC 8785 for the values requests carry.
    # Send numbers as integers (or strings): Python prints 1.0 as "1.0", JavaScript as "1".
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def value_to_string(value):
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return value
    return canonical_json(value)


def php_urlencode(text):
    # PHP urlencode: space -> '+', everything but [A-Za-z0-9_.-] -> %XX (Python also spares '~').
    return urllib.parse.quote_plus(text, safe="").replace("~", "%7E")


def string_to_sign(params, app_secret):
    pairs = []
    for key in sorted(params, key=lambda k: k.encode("utf-8")):
        if key == "sign":
            continue
        text = value_to_string(params[key])
        if text is not None:
            pairs.append(key + "=" + php_urlencode(text))
    pairs.append("app_key=" + app_secret)
    return "&".join(pairs)


def sign(params, app_secret):
    return hashlib.md5(string_to_sign(params, app_secret).encode("utf-8")).hexdigest().upper()


if __name__ == "__main__":
    vectors = json.load(open(sys.argv[1], encoding="utf-8"))
    for case in vectors["cases"]:
        got = string_to_sign(case["params"], vectors["secret"])
        if got != case["string_to_sign"] or sign(case["params"], vectors["secret"]) != case["sign"]:
            sys.exit("mismatch in %r:\n  got  %s\n  want %s" % (case["name"], got, case["string_to_sign"]))
    print("ok %d" % len(vectors["cases"]))
