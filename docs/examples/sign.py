"""Parley open-API request signing in Python 3 (standard library only).

    sign(params, app_secret) -> uppercase hex MD5

Run `python3 sign.py path/to/signature-vectors.json` to check it against the shared vectors.
"""
import decimal
import hashlib
import json
import math
import sys
import urllib.parse


def js_number(value):
    # Numbers as JavaScript prints them (String(n), which RFC 8785 also uses): the shortest
    # digits that round-trip (Python's repr finds the same ones), in plain notation from 1e-6 up
    # to 1e21 and as d.ddde+N outside it. Python alone prints 1.0 as "1.0" and 1e16 as "1e+16";
    # JavaScript prints "1" and "10000000000000000". Integers beyond 2**53 are doubles there too.
    if isinstance(value, int) and abs(value) < 2**53:
        return str(value)
    number = float(value)
    if not math.isfinite(number):
        raise ValueError("JSON has no representation for %r" % value)
    if number == 0:
        return "0"
    _, digit_tuple, exponent = decimal.Decimal(repr(abs(number))).normalize().as_tuple()
    digits = "".join(map(str, digit_tuple))
    point = len(digits) + exponent  # the value is 0.<digits> times 10**point
    sign = "-" if number < 0 else ""
    if len(digits) <= point <= 21:
        return sign + digits + "0" * (point - len(digits))
    if 0 < point <= 21:
        return sign + digits[:point] + "." + digits[point:]
    if -6 < point <= 0:
        return sign + "0." + "0" * -point + digits
    mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return "%s%se%s%d" % (sign, mantissa, "+" if point > 0 else "-", abs(point - 1))


def canonical_json(value):
    # RFC 8785 for the values requests carry: keys sorted by UTF-16 code units, no whitespace,
    # non-ASCII kept as is, numbers as JavaScript prints them.
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (int, float)):
        return js_number(value)
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(canonical_json(item) for item in value) + "]"
    if isinstance(value, dict):
        keys = sorted(value, key=lambda key: key.encode("utf-16-be"))
        return "{" + ",".join(json.dumps(key, ensure_ascii=False) + ":" + canonical_json(value[key]) for key in keys) + "}"
    raise TypeError("cannot sign a %s" % type(value).__name__)


def value_to_string(value):
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return js_number(value)
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
