"""kmdinf's JSON output, read with Python's json module, and the rule set's bookkeeping.

    check_json.py KMDINF FIXTURES_DIR GOOD_INF README

- `rules --json`: every rule has an id KINFnnn, a name, a severity and a summary; ids are unique;
- every rule has a fixture FIXTURES_DIR/<id>-<name>*.inf and a row "| id | name | severity |"
  in README;
- `check --json` of every fixture is one JSON object whose findings include the fixture's rule
  with the rule's severity, whose error and warning counts add up, and whose exit status follows
  them (1 with errors, else 0);
- `check --json` and `files --json` of the good INF: no finding; the package is kmdpnp.sys,
  copied to DIRID 13, signed by kmdpnp.cat.
"""
import glob
import json
import os
import re
import subprocess
import sys

kmdinf, fixtures, good, readme = sys.argv[1:5]
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg)


def run(*args):
    p = subprocess.run([kmdinf, *args], capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


rc, out, _ = run("rules", "--json")
rules = json.loads(out)
ids = [r["id"] for r in rules]
if rc != 0 or len(rules) < 30 or len(set(ids)) != len(ids):
    fail(f"rules --json: exit {rc}, {len(rules)} rules, ids {ids}")
by_id = {r["id"]: r for r in rules}
readme_text = open(readme, encoding="utf-8").read()
for r in rules:
    if not re.fullmatch(r"KINF\d{3}", r["id"]) or r["severity"] not in ("error", "warning"):
        fail(f"malformed rule {r}")
    if not r["summary"] or not re.fullmatch(r"[a-z0-9-]+", r["name"]):
        fail(f"malformed rule {r}")
    mine = glob.glob(os.path.join(fixtures, f"{r['id']}-{r['name']}*.inf"))
    if not mine:
        fail(f"{r['id']} {r['name']}: no fixture {r['id']}-{r['name']}*.inf")
    row = f"| {r['id']} | {r['name']} | {r['severity']} |"
    if row not in readme_text:
        fail(f"{r['id']}: no README row starting '{row}'")

checked = 0
for path in sorted(glob.glob(os.path.join(fixtures, "*.inf"))):
    rid = os.path.basename(path).split("-")[0]
    arch = "x86" if rid == "KINF022" else "x64"
    rc, out, err = run("check", path, "--arch", arch, "--json")
    try:
        doc = json.loads(out)
    except ValueError as e:
        fail(f"{path}: not JSON ({e}): {out!r} {err!r}")
        continue
    found = doc["findings"]
    sev = {"error": 0, "warning": 0}
    for f in found:
        if f["id"] not in by_id or f["name"] != by_id[f["id"]]["name"] or \
                f["severity"] != by_id[f["id"]]["severity"] or not isinstance(f["line"], int):
            fail(f"{path}: malformed finding {f}")
            continue
        sev[f["severity"]] += 1
    if not doc["truncated"] and (sev["error"], sev["warning"]) != (doc["errors"], doc["warnings"]):
        fail(f"{path}: counts {doc['errors']}/{doc['warnings']} but findings {sev}")
    if not any(f["id"] == rid and f["severity"] == by_id[rid]["severity"] for f in found):
        fail(f"{path}: no {rid} finding in {found}")
    if rc != (1 if doc["errors"] else 0):
        fail(f"{path}: exit {rc} with {doc['errors']} errors")
    if doc["arch"] != arch or doc["encoding"] not in ("ascii", "8bit", "utf-8-bom", "utf-16le"):
        fail(f"{path}: arch {doc['arch']}, encoding {doc['encoding']}")
    checked += 1

rc, out, _ = run("check", good, "--json")
doc = json.loads(out)
if rc != 0 or doc["errors"] or doc["warnings"] or doc["findings"] or doc["encoding"] != "ascii":
    fail(f"good INF: exit {rc}, {doc}")
for arch in ("x64", "x86"):
    rc, out, _ = run("files", good, "--arch", arch, "--json")
    doc = json.loads(out)
    want = [{"source": "kmdpnp.sys", "name": "kmdpnp.sys", "dirid": 13, "subdir": "",
             "section": "KmdPnp_CopyFiles"}]
    got = [{k: v for k, v in f.items() if k != "line"} for f in doc["files"]]
    if rc != 0 or got != want or doc["catalog"] != "kmdpnp.cat" or doc["arch"] != arch \
            or doc["hwids"] != ["Root\\KmdPnpSample"]:
        fail(f"files --json --arch {arch}: exit {rc}, {doc}")

if failures:
    print(f"{len(failures)} failures")
    sys.exit(1)
print(f"PASS: {len(rules)} rules, each with a fixture and a README row; {checked} fixtures' JSON "
      "names their rule; the good INF is clean and installs kmdpnp.sys to DIRID 13")
