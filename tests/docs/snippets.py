#!/usr/bin/python3
"""Checks that every code snippet of the tutorial (docs/tutorial/*.md) is the text of the source
region it names, and that the tutorial's relative links lead to files that exist.

A snippet is a fenced block right after a marker line in the Markdown:

    <!-- snippet: examples/skeleton/driver.c#SkeletonEcho -->
    ```c
    ...
    ```

The marker names a file (relative to the repository root) and, after '#', a region of it:

  path                 the whole file
  path#name            a region between marker comments in the source, on lines of their own:
                           /* snippet: name */   or  // snippet: name   or  # snippet: name
                           ...
                           /* end snippet */     or  // end snippet     or  # end snippet
                       (regions may nest; marker lines are left out of every snippet's text);
                       or, in a C file without such a marker, the top-level declaration or
                       definition that declares `name`: a function (signature and body), a table,
                       a struct typedef, a variable, a prototype, or a #define (with its
                       continuation lines). A definition wins over plain declarations.
  path#name+comment    the same, with the comment lines directly above it

The comparison is exact, line by line, after one indentation rule applied to both sides: the
common leading whitespace of the non-blank lines is removed (so a region from inside a function
body compares with a block written at the left margin, and a block indented inside a list item
with its source). Every ```c, ```h and ```cmake block must carry a marker: code shown in the
tutorial is always code that is built. Blocks in other languages (sh, text) are commands and
output, not checked here.

Usage:
  snippets.py [--root DIR] [--docs DIR]   check (exit 0: all match; 1: a difference; 2: usage)
  snippets.py --self-test                 prove on temporary copies that the check fails, naming
                                          the chapter, the snippet and the first differing line
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})\s*([A-Za-z0-9_+-]*)\s*$")
MARKER = re.compile(r"^\s*<!--\s*snippet:\s*(\S+)\s*-->\s*$")
SRC_BEGIN = re.compile(r"^\s*(?:/\*|//|#)\s*snippet:\s*([A-Za-z0-9_.-]+)\s*(?:\*/)?\s*$")
SRC_END = re.compile(r"^\s*(?:/\*|//|#)\s*end snippet\s*(?:\*/)?\s*$")
LINK = re.compile(r"\]\(([^)\s]+)\)")
MUST_BE_MARKED = {"c", "h", "cmake"}

C_KEYWORDS = {
    "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else",
    "enum", "extern", "float", "for", "goto", "if", "inline", "int", "long", "register",
    "restrict", "return", "short", "signed", "sizeof", "static", "struct", "switch", "typedef",
    "union", "unsigned", "void", "volatile", "while", "_Bool", "__attribute__", "__declspec",
}


class SnippetError(Exception):
    pass


# --- C sources: top-level items and the names they declare ------------------------------------


def c_tokens(text):
    """Yields (kind, value, line) for a C source: kind is 'id', 'punct' or 'define' (a whole
    #define line with its continuations: value is the macro name, line its first line, and
    'define_end' its last). Comments, strings, character constants and other preprocessor
    lines are skipped."""
    i, n, line = 0, len(text), 1
    at_line_start = True
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
            i += 1
            at_line_start = True
            continue
        if c in " \t\r\f\v":
            i += 1
            continue
        if c == "#" and at_line_start:
            start_line = line
            j = i
            while j < n and text[j] != "\n":
                if text[j] == "\\" and j + 1 < n and text[j + 1] == "\n":
                    line += 1
                    j += 2
                    continue
                if text.startswith("/*", j):  # a comment may continue the directive's line
                    end = text.find("*/", j + 2)
                    end = n if end < 0 else end + 2
                    line += text.count("\n", j, end)
                    j = end
                    continue
                j += 1
            m = re.match(r"#\s*define\s+([A-Za-z_]\w*)", text[i:j])
            if m:
                yield ("define", m.group(1), start_line, line)
            i = j
            continue
        at_line_start = False
        if text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            line += text.count("\n", i, end)
            i = end
            continue
        if text.startswith("//", i):
            while i < n and text[i] != "\n":
                i += 1
            continue
        if c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            yield ("punct", "literal", line, line)
            i = j + 1
            continue
        m = re.match(r"[A-Za-z_]\w*", text[i:i + 256])
        if m:
            yield ("id", m.group(0), line, line)
            i += len(m.group(0))
            continue
        m = re.match(r"[0-9][0-9A-Za-z_.]*", text[i:i + 256])
        if m:
            yield ("punct", "number", line, line)
            i += len(m.group(0))
            continue
        yield ("punct", c, line, line)
        i += 1


def c_items(text):
    """The top-level items of a C source: dicts with first and last line (1-based), the names
    they declare and whether they define something (a body or an initializer)."""
    items = []
    cur = None  # the item being read
    brace = paren = 0
    body_item = False  # the item's outer braces are a function body
    prev = None  # previous token at the item's top level

    def close(last_line):
        nonlocal cur
        cur["last"] = last_line
        items.append(cur)
        cur = None

    tokens = list(c_tokens(text))
    for k, (kind, value, line, end_line) in enumerate(tokens):
        if kind == "define":
            if cur is None:
                items.append({"first": line, "last": end_line, "names": {value}, "defines": True})
            continue
        if cur is None:
            cur = {"first": line, "names": set(), "defines": False}
            brace = paren = 0
            body_item = False
            prev = None
        if brace == 0 and paren == 0 and kind == "id" and value not in C_KEYWORDS:
            nxt = tokens[k + 1] if k + 1 < len(tokens) else None
            if nxt and nxt[0] == "punct" and nxt[1] in "(;=[,{":
                cur["names"].add(value)
        if kind != "punct":
            if brace == 0:
                prev = (kind, value)
            continue
        if value == "(":
            paren += 1
        elif value == ")":
            paren -= 1
        elif value == "{":
            if brace == 0 and paren == 0:
                body_item = prev == ("punct", ")")
                cur["defines"] = True
            brace += 1
        elif value == "}":
            brace -= 1
            if brace == 0 and body_item:
                close(line)
                continue
        elif value == "=" and brace == 0 and paren == 0:
            cur["defines"] = True
        elif value == ";" and brace == 0 and paren == 0:
            close(line)
            continue
        if brace == 0:
            prev = (kind, value)
    return items


def comment_above(lines, first):
    """The index (0-based) of the first line of the comment block that ends right above line
    `first` (1-based), or first - 1 when there is none."""
    i = first - 1  # 0-based index of the item's first line
    j = i - 1
    start = i
    while j >= 0:
        s = lines[j].strip()
        if s.startswith("//"):
            start = j
            j -= 1
            continue
        if s.endswith("*/"):
            k = j
            while k >= 0 and "/*" not in lines[k]:
                k -= 1
            if k < 0 or not lines[k].strip().startswith("/*"):
                break
            start = k
            j = k - 1
            continue
        break
    return start


# --- regions ------------------------------------------------------------------------------------


def marker_regions(path, lines):
    """name -> (first line index, list of (line number, text)) of the marker regions."""
    regions, stack = {}, []
    for idx, text in enumerate(lines):
        m = SRC_BEGIN.match(text)
        if m:
            name = m.group(1)
            if name in regions or any(s[0] == name for s in stack):
                raise SnippetError(f"{path}:{idx + 1}: marker 'snippet: {name}' appears twice")
            stack.append((name, idx))
            continue
        if SRC_END.match(text):
            if not stack:
                raise SnippetError(f"{path}:{idx + 1}: 'end snippet' without a 'snippet:' marker")
            name, begin = stack.pop()
            body = [(n + 1, lines[n]) for n in range(begin + 1, idx)
                    if not SRC_BEGIN.match(lines[n]) and not SRC_END.match(lines[n])]
            regions[name] = body
    if stack:
        name, begin = stack[-1]
        raise SnippetError(f"{path}:{begin + 1}: marker 'snippet: {name}' has no 'end snippet'")
    return regions


def source_region(root, spec):
    """The (line number, text) pairs the spec names, and a label for messages."""
    path, _, name = spec.partition("#")
    full = os.path.join(root, path)
    if not os.path.isfile(full):
        raise SnippetError(f"no such file: {path}")
    with open(full, encoding="utf-8") as f:
        text = f.read()
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if not name:
        return without_markers([(n + 1, t) for n, t in enumerate(lines)])
    with_comment = name.endswith("+comment")
    if with_comment:
        name = name[: -len("+comment")]
    regions = marker_regions(path, lines)
    if name in regions:
        if with_comment:
            raise SnippetError(f"{spec}: '+comment' applies to declarations, not marker regions")
        return regions[name]
    if not path.endswith((".c", ".h")):
        raise SnippetError(f"{path} has no marker 'snippet: {name}'")
    found = [it for it in c_items(text) if name in it["names"]]
    if not found:
        raise SnippetError(f"{path} has no marker 'snippet: {name}' and no top-level "
                           f"declaration of '{name}'")
    definitions = [it for it in found if it["defines"]]
    if definitions:
        found = definitions
    if len(found) > 1:
        where = ", ".join(str(it["first"]) for it in found)
        raise SnippetError(f"{path}: '{name}' is declared at more than one place (lines {where})")
    item = found[0]
    first = comment_above(lines, item["first"]) if with_comment else item["first"] - 1
    return without_markers([(n + 1, lines[n]) for n in range(first, item["last"])])


def without_markers(region):
    """Marker comment lines are never part of a snippet's text."""
    return [(n, t) for n, t in region if not SRC_BEGIN.match(t) and not SRC_END.match(t)]


def dedent(texts):
    widths = [len(t) - len(t.lstrip(" \t")) for t in texts if t.strip()]
    cut = min(widths) if widths else 0
    return [t[cut:] if t.strip() else "" for t in texts]


# --- the Markdown side --------------------------------------------------------------------------


def read_chapter(path):
    """Snippets ({spec, line, body: [(md line, text)]}) and problems of one Markdown file."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    snippets, problems = [], []
    i = 0
    pending = None  # (spec, marker line)
    while i < len(lines):
        text = lines[i]
        m = MARKER.match(text)
        if m:
            if pending:
                problems.append(f"line {pending[1]}: snippet marker {pending[0]} is not followed "
                                f"by a fenced code block")
            pending = (m.group(1), i + 1)
            i += 1
            continue
        f = FENCE.match(text)
        if f:
            indent, fence, lang = f.groups()
            body, j = [], i + 1
            while j < len(lines) and lines[j].strip() != fence:
                body.append((j + 1, lines[j]))
                j += 1
            if j == len(lines):
                problems.append(f"line {i + 1}: code block never closed")
                break
            if pending and pending[1] == i:  # the marker is on the line right above
                snippets.append({"spec": pending[0], "line": pending[1], "body": body})
            elif pending:
                problems.append(f"line {pending[1]}: snippet marker {pending[0]} is not directly "
                                f"above a code block")
            elif lang.lower() in MUST_BE_MARKED:
                problems.append(f"line {i + 1}: ```{lang} block without a snippet marker (code "
                                f"shown must come from a built source)")
            pending = None
            i = j + 1
            continue
        if pending and text.strip():
            problems.append(f"line {pending[1]}: snippet marker {pending[0]} is not directly above "
                            f"a code block")
            pending = None
        i += 1
    if pending:
        problems.append(f"line {pending[1]}: snippet marker {pending[0]} is not followed by a "
                        f"fenced code block")
    return snippets, problems, lines


def check_links(chapter, lines, root):
    problems = []
    in_fence = False
    for n, text in enumerate(lines, 1):
        if FENCE.match(text):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        for target in LINK.findall(text):
            if re.match(r"^[a-z]+:", target) or target.startswith("#"):
                continue
            file_part = target.split("#", 1)[0]
            resolved = os.path.normpath(os.path.join(os.path.dirname(chapter), file_part))
            if not os.path.exists(resolved):
                problems.append(f"line {n}: link to {target}: no such file "
                                f"({os.path.relpath(resolved, root)})")
    return problems


def compare(snippet, root):
    """None when the snippet matches, else the message naming the first differing line."""
    spec = snippet["spec"]
    try:
        source = source_region(root, spec)
    except SnippetError as e:
        return str(e)
    path = spec.partition("#")[0]
    shown = dedent([t for _, t in snippet["body"]])
    wanted = dedent([t for _, t in source])
    for k in range(max(len(shown), len(wanted))):
        a = shown[k] if k < len(shown) else None
        b = wanted[k] if k < len(wanted) else None
        if a == b:
            continue
        md_line = snippet["body"][k][0] if k < len(snippet["body"]) else None
        src_line = source[k][0] if k < len(source) else None
        where = f"line {k + 1} of the snippet"
        return "\n".join([
            f"{where} differs",
            f"    chapter (line {md_line}): {a!r}" if a is not None
            else f"    chapter: ends after {len(shown)} lines",
            f"    source ({path}:{src_line}): {b!r}" if b is not None
            else f"    source: the region ends after {len(wanted)} lines",
        ])
    return None


def check(root, docs):
    """Checks every chapter; returns (failures, report lines)."""
    root = os.path.abspath(root)
    docs = os.path.abspath(docs)
    chapters = sorted(f for f in os.listdir(docs) if f.endswith(".md"))
    out, failures, total = [], 0, 0
    if not chapters:
        return 1, [f"FAIL: no chapters (*.md) in {docs}"]
    for name in chapters:
        chapter = os.path.join(docs, name)
        rel = os.path.relpath(chapter, root)
        snippets, problems, lines = read_chapter(chapter)
        problems += check_links(chapter, lines, root)
        for p in problems:
            out.append(f"FAIL: {rel}: {p}")
        bad = len(problems)
        for s in snippets:
            total += 1
            diff = compare(s, root)
            if diff:
                bad += 1
                out.append(f"FAIL: {rel}: snippet {s['spec']} (marker at line {s['line']}): {diff}")
        failures += bad
        if not bad:
            n = len(snippets)
            out.append(f"ok: {rel}: " + ("1 snippet matches its source" if n == 1 else
                                         f"{n} snippets match their sources"))
    if failures:
        out.append(f"snippets: {failures} problem(s); the tutorial and its sources disagree")
    else:
        out.append(f"snippets: all {total} snippets in {len(chapters)} chapters match their "
                   f"sources")
    return failures, out


# --- self-test ------------------------------------------------------------------------------------


def copy_tree(root, docs, dest):
    """Copies the chapters and every source file they name into dest (same relative paths)."""
    rel_docs = os.path.relpath(docs, root)
    shutil.copytree(docs, os.path.join(dest, rel_docs))
    for name in sorted(os.listdir(docs)):
        if not name.endswith(".md"):
            continue
        snippets, _, lines = read_chapter(os.path.join(docs, name))
        files = {s["spec"].partition("#")[0] for s in snippets}
        for text in lines:  # linked files, so that the link check passes in the copy
            for target in LINK.findall(text):
                if not re.match(r"^[a-z]+:", target) and not target.startswith("#"):
                    files.add(os.path.relpath(os.path.normpath(os.path.join(
                        rel_docs, target.split("#", 1)[0])), "."))
        for f in files:
            src, dst = os.path.join(root, f), os.path.join(dest, f)
            if os.path.isdir(src):
                os.makedirs(dst, exist_ok=True)
            elif os.path.isfile(src) and not os.path.exists(dst):
                os.makedirs(os.path.dirname(dst), exist_ok=True)
                shutil.copy2(src, dst)
    return os.path.join(dest, rel_docs)


def expect(label, ok, detail=""):
    print(("ok: " if ok else "FAIL: ") + label)
    if not ok and detail:
        print("    " + detail.replace("\n", "\n    "))
    return 0 if ok else 1


def self_test(root, docs):
    bad = 0
    # 1. The real tutorial, copied: it passes; then, in each chapter, one line of the source of
    #    its first snippet is changed, and the check must fail naming that chapter, that snippet
    #    and the changed line.
    with tempfile.TemporaryDirectory(prefix="kmdkit-snippets-") as tmp:
        tdocs = copy_tree(root, docs, tmp)
        failures, out = check(tmp, tdocs)
        bad += expect("the copied tutorial passes", failures == 0, "\n".join(out))
        chapters = sorted(f for f in os.listdir(tdocs) if f.endswith(".md"))
        with_snippets = [c for c in chapters if read_chapter(os.path.join(tdocs, c))[0]]
        mutated = 0
        for name in chapters:
            snippets, _, _ = read_chapter(os.path.join(tdocs, name))
            if not snippets:
                continue
            s = snippets[0]
            region = source_region(tmp, s["spec"])
            # The middle non-blank line gets one more blank at its end (before a continuation
            # backslash): a change that leaves the C tokens, the comments and the indentation
            # rule alone, so only the comparison can notice it.
            nonblank = [k for k, (_, t) in enumerate(region) if t.strip()]
            k = nonblank[len(nonblank) // 2]
            src_line, text = region[k]
            rel_path = s["spec"].partition("#")[0]
            path = os.path.join(tmp, rel_path)
            with open(path, encoding="utf-8") as f:
                original = f.read()
            lines = original.split("\n")
            lines[src_line - 1] = text[:-1] + " \\" if text.endswith("\\") else text + " "
            with open(path, "w", encoding="utf-8") as f:
                f.write("\n".join(lines))
            failures, out = check(tmp, tdocs)
            text_out = "\n".join(out)
            want = (f"FAIL: {os.path.relpath(os.path.join(tdocs, name), tmp)}: snippet {s['spec']}"
                    f" (marker at line {s['line']}): line {k + 1} of the snippet differs")
            bad += expect(f"{name}: a changed source line fails, naming the chapter, the snippet "
                          f"and line {k + 1} ({rel_path}:{src_line})", failures > 0
                          and want in text_out and f"source ({rel_path}:{src_line})" in text_out,
                          text_out)
            with open(path, "w", encoding="utf-8") as f:
                f.write(original)
            mutated += 1
        bad += expect(f"every chapter with snippets ({mutated}) failed when its first snippet's "
                      f"source changed", mutated == len(with_snippets) and mutated > 0)
        failures, out = check(tmp, tdocs)
        bad += expect("restored copy passes again", failures == 0, "\n".join(out))
        # The command line: exit 1 on a difference (the Markdown side changed this time).
        first = next(c for c in chapters if read_chapter(os.path.join(tdocs, c))[0])
        s = read_chapter(os.path.join(tdocs, first))[0][0]
        md = os.path.join(tdocs, first)
        with open(md, encoding="utf-8") as f:
            lines = f.read().split("\n")
        md_line = next(n for n, t in s["body"] if t.strip())
        lines[md_line - 1] = lines[md_line - 1] + "x"
        with open(md, "w", encoding="utf-8") as f:
            f.write("\n".join(lines))
        run = subprocess.run([sys.executable, os.path.abspath(__file__), "--root", tmp, "--docs",
                              tdocs], capture_output=True, text=True)
        bad += expect("the command exits 1 when a chapter's block was edited",
                      run.returncode == 1 and f"(line {md_line})" in run.stdout, run.stdout)

    # 2. Each rule on a small made-up tree.
    with tempfile.TemporaryDirectory(prefix="kmdkit-snippets-") as tmp:
        os.makedirs(os.path.join(tmp, "src"))
        os.makedirs(os.path.join(tmp, "doc"))
        c_source = "\n".join([
            "#define TABLE_MAX \\",
            "    16",
            "static int Helper(int X);",
            "",
            "/* Adds one. */",
            "static int Helper(int X)",
            "{",
            "    if (X > 0) {",
            "        /* snippet: inner */",
            "        X++;",
            "        /* end snippet */",
            "    }",
            "    return X;",
            "}",
            "",
            "static const int Table[] = {",
            "    1,",
            "    2,",
            "};",
            "typedef struct _THING {",
            "    int A;",
            "} THING, *PTHING;",
            "",
        ])
        with open(os.path.join(tmp, "src", "a.c"), "w") as f:
            f.write(c_source)
        with open(os.path.join(tmp, "src", "CMakeLists.txt"), "w") as f:
            f.write("# snippet: build\nadd_library(a a.c)\n# end snippet\n")
        chapter = os.path.join(tmp, "doc", "01.md")

        def case(label, markdown, want_ok, want_text=""):
            with open(chapter, "w") as f:
                f.write(markdown)
            failures, out = check(tmp, os.path.join(tmp, "doc"))
            text = "\n".join(out)
            ok = (failures == 0) == want_ok and want_text in text
            return expect(label, ok, text)

        block = "<!-- snippet: src/a.c#{} -->\n```c\n{}\n```\n"
        bad += case("a function by name", block.format(
            "Helper", "static int Helper(int X)\n{\n    if (X > 0) {\n        X++;\n    }\n"
                      "    return X;\n}"), True)
        bad += case("a function with its comment", block.format(
            "Helper+comment", "/* Adds one. */\nstatic int Helper(int X)\n{\n    if (X > 0) {\n"
                              "        X++;\n    }\n    return X;\n}"), True)
        bad += case("a marker region, indentation removed on both sides",
                    "1. a list item:\n\n   " + block.format("inner", "   X++;").replace(
                        "\n", "\n   "), True)
        bad += case("a table, a #define, a struct typedef by its second name",
                    block.format("Table", "static const int Table[] = {\n    1,\n    2,\n};")
                    + block.format("TABLE_MAX", "#define TABLE_MAX \\\n    16")
                    + block.format("PTHING", "typedef struct _THING {\n    int A;\n} THING, *PTHING;"),
                    True)
        bad += case("a CMake marker region", "<!-- snippet: src/CMakeLists.txt#build -->\n"
                    "```cmake\nadd_library(a a.c)\n```\n", True)
        bad += case("a changed line is named", block.format(
            "Helper", "static int Helper(int X)\n{\n    if (X > 1) {\n        X++;\n    }\n"
                      "    return X;\n}"), False,
            "line 3 of the snippet differs\n    chapter (line 5): '    if (X > 1) {'\n"
            "    source (src/a.c:8): '    if (X > 0) {'")
        bad += case("a different indentation inside the block is a difference", block.format(
            "Helper", "static int Helper(int X)\n{\n  if (X > 0) {\n        X++;\n    }\n"
                      "    return X;\n}"), False, "line 3 of the snippet differs")
        bad += case("a snippet cut short", block.format("Table", "static const int Table[] = {\n"
                                                                 "    1,"), False,
                    "chapter: ends after 2 lines")
        bad += case("an unknown region", block.format("Nothing", "x"), False,
                    "no top-level declaration of 'Nothing'")
        bad += case("an unknown file", "<!-- snippet: src/b.c#x -->\n```c\nx\n```\n", False,
                    "no such file: src/b.c")
        bad += case("a C block without a marker", "```c\nint x;\n```\n", False,
                    "```c block without a snippet marker")
        bad += case("a marker not right above its block",
                    "<!-- snippet: src/a.c#Table -->\n\ntext\n```sh\nls\n```\n", False,
                    "is not directly above a code block")
        bad += case("a broken relative link", "See [the source](../src/missing.c).\n", False,
                    "link to ../src/missing.c: no such file")
        bad += case("a good relative link and a shell block", "See [a](../src/a.c).\n\n```sh\nls\n```\n",
                    True)
    print("self-test: " + ("passed" if bad == 0 else f"{bad} check(s) FAILED"))
    return 0 if bad == 0 else 1


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.normpath(os.path.join(here, "..", ".."))
    docs = None
    args = list(argv)
    selftest = False
    while args:
        a = args.pop(0)
        if a == "--self-test":
            selftest = True
        elif a in ("--root", "--docs") and args:
            value = args.pop(0)
            if a == "--root":
                root = value
            else:
                docs = value
        elif a in ("--root", "--docs"):
            print(f"snippets.py: {a} needs a folder", file=sys.stderr)
            return 2
        else:
            print(f"snippets.py: unknown argument '{a}'\n{__doc__}", file=sys.stderr)
            return 2
    docs = docs or os.path.join(root, "docs", "tutorial")
    if not os.path.isdir(docs):
        print(f"snippets.py: {docs}: no such folder", file=sys.stderr)
        return 2
    if selftest:
        if os.path.relpath(os.path.abspath(docs), os.path.abspath(root)).startswith(".."):
            print("snippets.py: --self-test needs the chapters inside --root", file=sys.stderr)
            return 2
        return self_test(root, docs)
    failures, out = check(root, docs)
    print("\n".join(out))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
