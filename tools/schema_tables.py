#!/usr/bin/env python3
"""schema_tables.py - the C tables plan.c explains schema findings with, from the schema.

    python3 tools/schema_tables.py schema/plan.rng OUT.h

plan.c says in plain words what is missing, misplaced or misspelt when schema/plan.rng
refuses a plan; for that it needs the form of every element: its child elements in
order, its attributes, which elements hold running text. These used to be copied into
plan.c by hand ("keep these tables in step with the schema"); make now writes them from
the schema into build/plan-schema.h at every change of the schema, so they cannot drift.

What the tables hold (the notation plan.c reads):
  contents[]      each element that holds child elements and no text of its own, with
                  its children in order; a mark after a name: ? optional, * any number,
                  + one or more; "a|b|c*" is any number of a, b and c in any order.
  running_text[]  each element whose content is mixed (words with <b> and <i>).
  attributes[]    each element that has attributes, with their names; "!" marks a
                  required one (neither optional nor one of a choice).

The script understands the RelaxNG the schema uses (element, attribute, ref, define,
optional, zeroOrMore, oneOrMore, choice, group, mixed, empty, text, data, value, list)
and stops with an error, which stops the build, on anything else or on a form the
notation above cannot say: then plan.c's explanations need a new notation first.
Elements are listed in the order a reader of the schema meets them, from <start> down.
"""
import os
import sys
import xml.etree.ElementTree as ET

RNG = "{http://relaxng.org/ns/structure/1.0}"
TEXTUAL = {"text", "data", "value", "list", "mixed"}
KNOWN = {"element", "attribute", "ref", "optional", "zeroOrMore", "oneOrMore", "choice",
         "group", "empty", "param", "except"} | TEXTUAL

# Marks combined: an optional "+" is a "*", and so on.
OUTER = {("", "?"): "?", ("?", "?"): "?", ("+", "?"): "*", ("*", "?"): "*",
         ("", "*"): "*", ("?", "*"): "*", ("+", "*"): "*", ("*", "*"): "*",
         ("", "+"): "+", ("?", "+"): "*", ("+", "+"): "+", ("*", "+"): "*"}


class SchemaError(Exception):
    pass


def tag(node):
    return node.tag[len(RNG):] if node.tag.startswith(RNG) else node.tag


class Schema:
    def __init__(self, path):
        self.path = path
        root = ET.parse(path).getroot()
        if tag(root) != "grammar":
            raise SchemaError("the root is <%s>, not <grammar>" % tag(root))
        self.defines = {}
        self.start = None
        for child in root:
            t = tag(child)
            if t == "define":
                if child.get("combine") is not None or child.get("name") in self.defines:
                    raise SchemaError("define %s is combined or given twice" % child.get("name"))
                self.defines[child.get("name")] = child
            elif t == "start":
                self.start = child
            else:
                raise SchemaError("<%s> at the top of the grammar is not understood" % t)
        if self.start is None:
            raise SchemaError("no <start>")

    def ref(self, node):
        name = node.get("name")
        if name not in self.defines:
            raise SchemaError("<ref name=\"%s\"> names no define" % name)
        return self.defines[name]

    def walk(self, nodes, el):
        """The content of a pattern sequence as (tokens, textual, attrs, children): tokens
        [names, mark] in order, whether text is allowed, attributes [name, required] in
        order, and the element patterns met (not entered)."""
        tokens, textual, attrs, children = [], False, [], []
        for n in nodes:
            t = tag(n)
            if t not in KNOWN:
                raise SchemaError("<%s> in <%s> is not understood by this script" % (t, el))
            if t == "element":
                if n.get("name") is None:
                    raise SchemaError("an element without a name in <%s>" % el)
                tokens.append([n.get("name"), ""])
                children.append(n)
            elif t == "attribute":
                if n.get("name") is None:
                    raise SchemaError("an attribute without a name in <%s>" % el)
                attrs.append([n.get("name"), True])
                # its value's patterns are no content of the element
            elif t in TEXTUAL:
                textual = True
                if t == "mixed":
                    tk, _, at, ch = self.walk(list(n), el)
                    tokens += tk
                    attrs += at
                    children += ch
                    textual = "mixed"
            elif t in ("param", "except", "empty"):
                pass
            elif t in ("ref", "group"):
                tk, tx, at, ch = self.walk(list(self.ref(n)) if t == "ref" else list(n), el)
                tokens += tk
                textual = textual or tx
                attrs += at
                children += ch
            elif t == "choice":
                alts = [self.walk([a], el) for a in n]
                names = []
                for tk, tx, at, ch in alts:
                    textual = textual or tx
                    for a in at:
                        attrs.append([a[0], False])
                    children += ch
                    if any(a[1] for a in alts):
                        continue  # text or elements: a text element, its tokens unused
                    if len(tk) > 1 or any(m != "" for _, m in tk):
                        raise SchemaError("a choice in <%s> between sequences or repeated "
                                          "elements cannot be written in the tables" % el)
                    names += [x for x, _ in tk]
                if names:
                    tokens.append(["|".join(names), ""])
            else:  # optional, zeroOrMore, oneOrMore
                mark = {"optional": "?", "zeroOrMore": "*", "oneOrMore": "+"}[t]
                tk, tx, at, ch = self.walk(list(n), el)
                textual = textual or tx
                for a in at:
                    attrs.append([a[0], False])
                children += ch
                if len(tk) == 1:
                    tokens.append([tk[0][0], OUTER[(tk[0][1], mark)]])
                elif len(tk) > 1 and mark == "?" and all(m in ("?", "*") for _, m in tk):
                    tokens += tk  # every part may be left out anyway
                elif len(tk) > 1:
                    raise SchemaError("<%s> around several elements in <%s> cannot be "
                                      "written in the tables" % (t, el))
        return tokens, textual, attrs, children

    def tables(self):
        order, forms, seen = [], {}, set()

        def visit(node):
            if id(node) in seen:
                return
            seen.add(id(node))
            name = node.get("name")
            tokens, textual, attrs, children = self.walk(list(node), name)
            form = forms.get(name)
            if form is None:
                form = forms[name] = {"tokens": None, "textual": None, "attrs": [],
                                      "count": 0}
                order.append(name)
            form["count"] += 1
            if textual == "mixed":
                kind = "mixed"
            elif textual:
                kind = "text"
            else:
                kind = "elements" if tokens else "empty"
            model = " ".join(n + m for n, m in tokens) if kind == "elements" else None
            if form["textual"] is None:
                form["textual"], form["tokens"] = kind, model
            elif (form["textual"], form["tokens"]) != (kind, model) and \
                    "elements" in (kind, form["textual"]):
                raise SchemaError("<%s> is defined twice with different children; the "
                                  "tables hold one form per name" % name)
            # an attribute is required when every definition of the element requires it
            names = [a[0] for a in form["attrs"]]
            for a in attrs:
                if a[0] in names:
                    old = form["attrs"][names.index(a[0])]
                    old[1] = old[1] and a[1]
                else:
                    form["attrs"].append([a[0], a[1] and form["count"] == 1])
                    names.append(a[0])
            for a in form["attrs"]:
                if a[0] not in [x[0] for x in attrs]:
                    a[1] = False
            for c in children:
                visit(c)

        _, _, _, top = self.walk(list(self.start), "start")
        for c in top:
            visit(c)
        contents = [(n, forms[n]["tokens"]) for n in order if forms[n]["textual"] == "elements"]
        running = [n for n in order if forms[n]["textual"] == "mixed"]
        attributes = [(n, " ".join(a + ("!" if r else "") for a, r in forms[n]["attrs"]))
                      for n in order if forms[n]["attrs"]]
        return contents, running, attributes


def c_string(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: schema_tables.py SCHEMA.rng OUT.h\n")
        return 2
    src, out = argv[1], argv[2]
    try:
        contents, running, attributes = Schema(src).tables()
    except (SchemaError, ET.ParseError, OSError) as e:
        sys.stderr.write("%s: error: %s\n" % (src, e))
        return 1
    lines = ["/* plan-schema.h - written by tools/schema_tables.py from %s: do not edit." % src,
             " * plan.c's explanations of schema findings read these tables; the script",
             " * says what they hold. */",
             "",
             "static const struct {",
             "\tconst char *element;",
             "\tconst char *children;",
             "} contents[] = {"]
    lines += ["\t{%s, %s}," % (c_string(n), c_string(m)) for n, m in contents]
    lines += ["};", "", "static const char *const running_text[] = {"]
    lines += ["\t%s," % c_string(n) for n in running]
    lines += ["};", "", "static const struct {", "\tconst char *element;",
              "\tconst char *names;", "} attributes[] = {"]
    lines += ["\t{%s, %s}," % (c_string(n), c_string(a)) for n, a in attributes]
    lines += ["};", ""]
    text = "\n".join(lines)
    tmp = out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
