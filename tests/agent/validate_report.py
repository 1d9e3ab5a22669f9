#!/usr/bin/env python3
"""Validates a heapscope JSON report (or snapshot, process detail) against docs/report.schema.json.

    validate_report.py SCHEMA FILE [--def NAME]     FILE '-' reads stdin; --def validates against
                                                    #/$defs/NAME instead of the root
    validate_report.py SCHEMA --self-test           checks that the validator rejects broken input

A minimal validator for the subset of JSON Schema (draft 2020-12) the schema uses: $ref (local),
type, properties, required, additionalProperties, items, minItems, maxItems, enum, const,
minimum, maximum, pattern. A keyword outside that subset is an error, so the schema cannot
silently outgrow the validator. When the `jsonschema` module is importable (Debian:
python3-jsonschema) the document is checked by it as well. Exit 0 valid, 1 invalid, 2 usage.
"""
import json
import re
import sys

KNOWN = {"$schema", "$id", "$defs", "title", "description", "$ref", "type", "properties",
         "required", "additionalProperties", "items", "minItems", "maxItems", "enum", "const",
         "minimum", "maximum", "pattern"}


def type_ok(v, t):
    if t == "null":
        return v is None
    if t == "boolean":
        return isinstance(v, bool)
    if t == "integer":
        return (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, float) and v.is_integer())
    if t == "number":
        return isinstance(v, (int, float)) and not isinstance(v, bool)
    if t == "string":
        return isinstance(v, str)
    if t == "array":
        return isinstance(v, list)
    if t == "object":
        return isinstance(v, dict)
    raise ValueError("unknown type " + t)


def equal(a, b):
    # JSON equality: booleans are not numbers
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return a == b


class Validator:
    def __init__(self, root):
        self.root = root
        self.errors = []

    def resolve(self, ref):
        if not ref.startswith("#/"):
            raise ValueError("only local $ref: " + ref)
        node = self.root
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def err(self, path, msg):
        if len(self.errors) < 50:
            self.errors.append("%s: %s" % (path or "$", msg))

    def check(self, v, s, path):
        unknown = set(s) - KNOWN
        if unknown:
            raise ValueError("schema keyword(s) outside the subset: %s" % sorted(unknown))
        if "$ref" in s:
            self.check(v, self.resolve(s["$ref"]), path)
        if "type" in s:
            types = s["type"] if isinstance(s["type"], list) else [s["type"]]
            if not any(type_ok(v, t) for t in types):
                self.err(path, "%r is not of type %s" % (v if not isinstance(v, (dict, list)) else type(v).__name__, types))
                return
        if "const" in s and not equal(v, s["const"]):
            self.err(path, "%r != const %r" % (v, s["const"]))
        if "enum" in s and not any(equal(v, e) for e in s["enum"]):
            self.err(path, "%r not in %r" % (v, s["enum"]))
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            if "minimum" in s and v < s["minimum"]:
                self.err(path, "%r < minimum %r" % (v, s["minimum"]))
            if "maximum" in s and v > s["maximum"]:
                self.err(path, "%r > maximum %r" % (v, s["maximum"]))
        if isinstance(v, str) and "pattern" in s and not re.search(s["pattern"], v):
            self.err(path, "%r does not match %r" % (v, s["pattern"]))
        if isinstance(v, list):
            if "minItems" in s and len(v) < s["minItems"]:
                self.err(path, "fewer than %d items" % s["minItems"])
            if "maxItems" in s and len(v) > s["maxItems"]:
                self.err(path, "more than %d items" % s["maxItems"])
            if "items" in s:
                for i, x in enumerate(v):
                    self.check(x, s["items"], "%s[%d]" % (path, i))
        if isinstance(v, dict):
            props = s.get("properties", {})
            for k in s.get("required", []):
                if k not in v:
                    self.err(path, "missing required %r" % k)
            for k, x in v.items():
                if k in props:
                    self.check(x, props[k], path + "." + k)
                else:
                    ap = s.get("additionalProperties", True)
                    if ap is False:
                        self.err(path, "unexpected property %r" % k)
                    elif isinstance(ap, dict):
                        self.check(x, ap, path + "." + k)


def validate(schema, doc, defname=None):
    v = Validator(schema)
    target = schema["$defs"][defname] if defname else schema
    v.check(doc, target, "")
    errors = v.errors
    try:
        import jsonschema  # optional cross-check
        sub = dict(schema)
        if defname:
            sub = {"$schema": schema.get("$schema"), "$defs": schema["$defs"], "$ref": "#/$defs/" + defname}
        for e in jsonschema.Draft202012Validator(sub).iter_errors(doc):
            errors.append("jsonschema: %s: %s" % ("/".join(map(str, e.absolute_path)), e.message))
            if len(errors) > 60:
                break
    except ImportError:
        pass
    return errors


def self_test(schema):
    """The validator must reject these mutations of a minimal valid report."""
    cases = [
        ({"schema": "heapscope-report/2"}, "const"),
        ({"processes_total": -1}, "minimum"),
        ({"processes_total": True}, "bool is not integer"),
        ({"extra": 1}, "additionalProperties"),
        ({"verdicts": [{"kind": "bogus"}]}, "enum / required"),
        ({"run": {"program": 3}}, "type"),
    ]
    bad = 0
    for patch, what in cases:
        doc = {"schema": "heapscope-report/1"}
        doc.update(patch)
        v = Validator(schema)
        v.check(doc, schema, "")
        if not v.errors:
            print("FAIL self-test: accepted", patch, "(" + what + ")")
            bad += 1
    v = Validator(schema)
    v.check({"pid": "<0.1.0>"}, {"type": "object", "properties": {"pid": {"type": "string", "pattern": "^<0"}}}, "")
    if v.errors:
        print("FAIL self-test: rejected a valid object", v.errors)
        bad += 1
    print("self-test: %d failure(s)" % bad)
    return 1 if bad else 0


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1]) as f:
        schema = json.load(f)
    if argv[2] == "--self-test":
        return self_test(schema)
    defname = None
    if len(argv) >= 5 and argv[3] == "--def":
        defname = argv[4]
    try:
        if argv[2] == "-":
            doc = json.load(sys.stdin)
        else:
            with open(argv[2]) as f:
                doc = json.load(f)
    except (OSError, ValueError) as e:
        print("invalid JSON: %s" % e)
        return 1
    errors = validate(schema, doc, defname)
    for e in errors:
        print(e)
    print("%s: %s" % (argv[2], "valid" if not errors else "INVALID (%d error(s))" % len(errors)))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
